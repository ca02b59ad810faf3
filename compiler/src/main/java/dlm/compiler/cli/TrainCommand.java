package dlm.compiler.cli;

import dlm.compiler.codegen.Codegen.StepKind;
import dlm.compiler.diag.DlmException;
import dlm.compiler.interp.NonFinite;
import dlm.compiler.train.CompiledTrainer;
import dlm.compiler.train.NonFiniteStep;
import dlm.compiler.train.ParamNorms;
import dlm.compiler.report.Json;
import dlm.compiler.report.RunData;
import dlm.compiler.train.Trainer;
import dlm.runtime.Tensor;
import dlm.runtime.data.Dataset;
import dlm.runtime.exec.KernelWarmup;
import dlm.runtime.io.UriFiles;
import dlm.runtime.kernels.KernelPool;
import dlm.runtime.train.Batcher;
import dlm.runtime.train.EpochResult;
import dlm.runtime.train.NonFiniteLossException;
import dlm.runtime.train.ProgressBar;
import dlm.runtime.train.TrainLoop;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code dlmc train FILE}: trains the model of the file's train block on its dataset, with a
 * Keras-like progress line per epoch, then evaluates it on the test set.
 */
final class TrainCommand implements Command {
    public String name() { return "train"; }

    public boolean computes() { return true; }

    public String summary() { return "train the model of a train(Model) { … } block and evaluate it on the test set"; }

    public String usage() { return "FILE.dlm [--epochs N] [--batch-size N] [--seed S] [--data DIR] [--save PATH] [--resume PATH] [--json PATH] [--report RUN.html] [--plot CURVES.png] [--limit N] [--shards K] [--sync-every k] [--spark MASTER]"; }

    public Options options() {
        Options o = new Options()
                .addOption(Option.builder().longOpt("epochs").hasArg().argName("N").desc("number of epochs (default: the train block's)").get())
                .addOption(Option.builder().longOpt("batch-size").hasArg().argName("N").desc("batch size (default: the train block's, else 32)").get())
                .addOption(Option.builder().longOpt("save").hasArg().argName("PATH").desc("write a checkpoint (.npz) after every epoch, atomically (a path, or with the dlm-spark jar a file system URI: hdfs://…, file:///…)").get())
                .addOption(Option.builder().longOpt("resume").hasArg().argName("PATH").desc("continue from a checkpoint written by --save (a path or, with the dlm-spark jar, a URI)").get())
                .addOption(Option.builder().longOpt("json").hasArg().argName("PATH").desc("also write the history, the test results, timings and the thread count as JSON").get())
                .addOption(Option.builder().longOpt("report").hasArg().argName("RUN.html").desc("also write a self-contained HTML training report (curves, summary, graph, confusion matrix, misclassified images, norms); with --json, the JSON holds its data for dlmc report").get())
                .addOption(Option.builder().longOpt("plot").hasArg().argName("CURVES.png").desc("also write the loss and metric curves as a PNG").get())
                .addOption(Option.builder().longOpt("limit").hasArg().argName("N").desc("train on the first N training images only").get())
                .addOption(Option.builder().longOpt("shards").hasArg().argName("K").desc("data-parallel: each batch's gradient is the fixed tree sum of K shards' (bit-identical on any cluster)").get())
                .addOption(Option.builder().longOpt("sync-every").hasArg().argName("k").desc("with --shards K: local SGD, K replicas each stepping on its shard, averaged every k steps and at each epoch's end").get())
                .addOption(Option.builder().longOpt("spark").hasArg().argName("MASTER").desc("compute the shards on Apache Spark (local[2], spark://host:7077, yarn, …); needs --shards and the dlm-spark jar").get());
        TrainSetup.addOptions(o, "the initial weights and the order of the batches");
        return o;
    }

    public int run(CommandLine cl, Console c) throws Exception {
        // Output paths first: a mistake there must not cost a compile and an epoch of training.
        // a file system URI (hdfs://…, file:///…): written locally, uploaded after every save (UriCheckpoints)
        UriCheckpoints.Upload upload = cl.hasOption("save") && UriFiles.isUri(cl.getOptionValue("save")) ? UriCheckpoints.save("--save", cl.getOptionValue("save")) : null;
        Path save = upload != null ? upload.local() : cl.hasOption("save") ? OutputPaths.file("--save", cl.getOptionValue("save"), OutputPaths.Kind.CHECKPOINT) : null;
        Path json = cl.hasOption("json") ? OutputPaths.file("--json", cl.getOptionValue("json"), OutputPaths.Kind.JSON_REPORT) : null;
        OutputPaths.distinct("--save", save, "--json", json);
        Path report = cl.hasOption("report") ? OutputPaths.file("--report", cl.getOptionValue("report"), OutputPaths.Kind.HTML_REPORT) : null;
        Path plot = cl.hasOption("plot") ? OutputPaths.file("--plot", cl.getOptionValue("plot"), OutputPaths.Kind.PNG) : null;
        OutputPaths.distinct("--report", report, "--plot", plot);
        for (Path p : new Path[] {save, json}) {
            OutputPaths.distinct("--report", report, p == save ? "--save" : "--json", p);
            OutputPaths.distinct("--plot", plot, p == save ? "--save" : "--json", p);
        }
        // The kernels warm up on a background thread from the start (see KernelWarmup; the system
        // property dlm.warmup=false turns that off, to measure what it gives), and the data set
        // loads on another while this thread sets up the trainer and compiles its step.
        boolean warm = !"false".equals(System.getProperty("dlm.warmup")) && cl.getOptionValue("backend", "jit").equals("jit");
        KernelWarmup warmup = warm ? KernelWarmup.start() : null;
        try {
            return train(cl, c, warmup, save, upload, json, report, plot);
        } finally {
            if (warmup != null) warmup.stop();
        }
    }

    private int train(CommandLine cl, Console c, KernelWarmup warmup, Path save, UriCheckpoints.Upload upload, Path json, Path report, Path plot) throws Exception {
        TrainSetup setup = TrainSetup.load(cl, c);
        for (Path p : TrainCallbacks.outputs(setup)) {
            OutputPaths.distinct("--save", save, "modelCheckpoint", p);
            OutputPaths.distinct("--json", json, "modelCheckpoint", p);
            OutputPaths.distinct("--report", report, "modelCheckpoint", p);
            OutputPaths.distinct("--plot", plot, "modelCheckpoint", p);
        }
        int epochs = setup.intSetting(cl, "epochs", "epochs", 1);
        int batchSize = setup.intSetting(cl, "batch-size", "batchSize", 32);
        long limit = cl.hasOption("limit") ? Args.inRange(cl, "limit", 1, Integer.MAX_VALUE) : 0;
        setup.checkMemory(batchSize);
        CompletableFuture<Dataset> loading = setup.datasetInBackground(cl);
        if (cl.hasOption("spark") && !cl.hasOption("shards")) throw new UsageException("--spark needs --shards K: the number of shards fixes the result, not the cluster");
        if (report != null && setup.graph.byName())
            throw new UsageException("--report draws one input and one output; model " + setup.config.model().name() + " takes " + setup.graph.inputs.size()
                    + " inputs and returns " + setup.graph.outputs.size() + " outputs: use --json or --plot");
        if (cl.hasOption("sync-every") && !cl.hasOption("shards")) throw new UsageException("--sync-every needs --shards K: it averages the K shards' replicas");
        int syncEvery = cl.hasOption("sync-every") ? (int) Args.inRange(cl, "sync-every", 1, Integer.MAX_VALUE) : 0;
        Trainer built = cl.hasOption("shards") ? setup.shardedTrainer((int) Args.inRange(cl, "shards", 1, 4096), syncEvery, cl.getOptionValue("spark"), Args.file(cl)) : setup.trainer();
        // the train step for full batches (compiled on first use otherwise, inside the first epoch)
        if (built instanceof CompiledTrainer ct) ct.compiled(StepKind.TRAIN, limit > 0 ? (int) Math.min(limit, batchSize) : batchSize);
        Dataset data = TrainSetup.await(loading);
        // a model of several inputs or outputs takes its batches' rows from the data's columns
        Trainer trainer = dlm.compiler.train.ByNameTrainer.over(built, data);
        ProgressBar bar = new ProgressBar(c.out(), System.console() != null && c.out() == System.out);
        if (warmup != null) warmup.stop();
        TrainRun.Request request = new TrainRun.Request(epochs, batchSize, limit, cl.hasOption("data") ? Path.of(cl.getOptionValue("data")) : null, save,
                !cl.hasOption("resume") ? null : UriFiles.isUri(cl.getOptionValue("resume")) ? UriCheckpoints.resume("--resume", cl.getOptionValue("resume"))
                        : Path.of(cl.getOptionValue("resume")));
        // the report's per-param norms: recorded after each epoch, outside the compiled step (see ParamNorms)
        ParamNorms norms = report == null ? null : ParamNorms.probing(trainer, data.trainImages(), data.trainLabels(), limit, RunRecorder.PROBE_ROWS, setup.seed);
        TrainRun.Outcome run = TrainRun.fit(setup, trainer, data, request, epochs, batchSize, true,
                new TrainRun.Reports(bar, c.out()::println, c.out(), norms == null && upload == null ? null : r -> {
                    if (upload != null) upload.push();
                    if (norms != null) norms.record(r.epoch());
                }));
        List<EpochResult> history = run.history();
        // Seconds from the JVM's start to the first train step: parse, check, differentiate,
        // compile and load the data (reported in the JSON as startup_seconds).
        long trainStart = run.loopStart();
        long evalStart = System.nanoTime();
        double[] test = TrainLoop.evaluate(trainer, data.testImages(), data.testLabels(), batchSize);
        double evalSeconds = (System.nanoTime() - evalStart) / 1e9;
        List<String> names = trainer.metricNames();
        if (data.testImages().dim(0) == 0) {
            // a file source that is not split: nothing held out (the JSON's test results are null)
            java.util.Arrays.fill(test, Double.NaN);
            c.out().println("no test part: hold one out with data = split(…, test = 0.2)");
        } else {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "test_loss: %.4f", test[0]));
            for (int i = 0; i < names.size(); i++) line.append(String.format(Locale.ROOT, " - test_%s: %.4f", shortName(names.get(i)), test[i + 1]));
            c.out().println(line);
        }
        Map<String, Number> extra = Map.of();
        if (json != null) {
            double predictSeconds = predictSeconds(trainer, data.testImages(), data.testLabels(), batchSize);
            extra = new java.util.HashMap<>(run.kFold());
            extra.putAll(Map.<String, Number>of("startup_seconds", Timings.secondsSinceJvmStart(trainStart), "eval_seconds", evalSeconds, "predict_seconds", predictSeconds,
                    "threads", KernelPool.parallelism()));
        }
        Map<String, Object> recorded = report == null ? null
                : RunRecorder.record(setup, trainer, norms, data.testImages(), data.testLabels(), batchSize, Args.file(cl).toString());
        String text = JsonReport.text(history, names, test, extra, recorded);
        if (json != null) JsonReport.write(json, text);
        if (report != null || plot != null) {
            // the report is drawn from the JSON text itself, so that dlmc report on that JSON draws the same
            RunData runData = RunData.of(Json.parse(text));
            ReportCommand.write(runData, report, plot, ReportCommand.title(runData, Args.file(cl)));
            if (report != null) c.out().println("report: " + report);
            if (plot != null) c.out().println("curves: " + plot);
        }
        return 0;
    }

    /**
     * A non-finite loss, located at the op that first made a NaN or inf in that step (its line,
     * what it computed and the range of its inputs): the epoch is replayed from its start up to
     * the step, whose forward pass then runs on the reference interpreter with every value
     * checked. When that does not find the op (the interpreter rounds differently), the error
     * names the train block, as before.
     */
    static DlmException explain(NonFiniteLossException e, TrainSetup setup, Trainer trainer, NonFiniteStep.Snapshot start,
                                Tensor images, Tensor labels, Tensor weights, int batchSize) {
        DlmException plain = new DlmException(setup.config.decl().span(), e.getMessage());
        NonFinite.Source src;
        try {
            start.restoreInto(trainer);
            Batcher batcher = new Batcher(images, labels, weights, batchSize);
            int[] order = TrainLoop.order(batcher, setup.seed, e.epoch());
            for (int s = 0; s < e.step() - 1; s++) {
                Tensor[] b = batcher.batch(order, s);
                trainer.trainStep(b[0], b[1], b[2]);
            }
            Tensor[] b = batcher.batch(order, e.step() - 1);
            var found = NonFiniteStep.firstSource(trainer, b[0], b[1], b[2]);
            if (found.isEmpty()) return plain;
            src = found.get();
        } catch (RuntimeException x) {
            return plain;
        }
        List<String> ranges = new ArrayList<>();
        for (Tensor t : src.inputs()) ranges.add(NonFinite.range(t));
        return new DlmException(src.node().span(), e.getMessage() + ". Its first non-finite value is made here, by " + src.node().opName() + ": "
                + src.message() + " (from input" + (ranges.size() == 1 ? " values in " : "s with values in ") + String.join(" and ", ranges) + ")");
    }

    /** Timed inference passes behind {@code predict_seconds}: as many as bench/compare's Python trainers time. */
    static final int PREDICT_REPEATS = 5;

    /**
     * The JSON's {@code predict_seconds}: the median wall time of {@link #PREDICT_REPEATS} warm
     * inference passes ({@link Trainer#predict}, the forward pass only: no loss, no metrics) over
     * all the test images, in batches of the train batch size (the last batch may be shorter),
     * after one untimed warm-up pass over the same batches: the same measurement as the Python
     * trainers' of bench/compare (median of 5 passes after a warm-up). It excludes compiling the
     * predict step and most JIT warm-up — unlike {@code eval_seconds}, which times the first
     * evaluation (compiling the eval step on first use, and computing the loss and metrics). The
     * batches are sliced before the clock starts. Only computed when {@code --json} is given.
     */
    static double predictSeconds(Trainer trainer, Tensor images, Tensor labels, int batchSize) {
        Batcher batcher = new Batcher(images, labels, batchSize);
        Tensor[] batches = new Tensor[batcher.batches()];
        for (int s = 0; s < batches.length; s++) batches[s] = batcher.batch(null, s)[0];
        for (Tensor b : batches) trainer.predict(b); // warm-up: compiles the predict step(s), warms the JIT
        double[] seconds = new double[PREDICT_REPEATS];
        for (int r = 0; r < seconds.length; r++) {
            long start = System.nanoTime();
            for (Tensor b : batches) trainer.predict(b);
            seconds[r] = (System.nanoTime() - start) / 1e9;
        }
        java.util.Arrays.sort(seconds);
        return seconds[seconds.length / 2];
    }

    /** Keras reports accuracy as test_acc. */
    static String shortName(String metric) { return metric.equals("accuracy") ? "acc" : metric; }

    static List<Double> list(double[] a) {
        List<Double> l = new ArrayList<>();
        for (double d : a) l.add(d);
        return l;
    }
}
