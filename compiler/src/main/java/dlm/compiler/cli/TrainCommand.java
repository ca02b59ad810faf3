package dlm.compiler.cli;

import dlm.compiler.codegen.Codegen.StepKind;
import dlm.compiler.diag.DlmException;
import dlm.compiler.train.CompiledTrainer;
import dlm.compiler.train.Trainer;
import dlm.runtime.Tensor;
import dlm.runtime.data.Dataset;
import dlm.runtime.exec.KernelWarmup;
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

    public String summary() { return "train the model of a train(Model) { … } block and evaluate it on the test set"; }

    public String usage() { return "FILE.dlm [--epochs N] [--batch-size N] [--seed S] [--data DIR] [--save PATH] [--resume PATH] [--json PATH] [--limit N]"; }

    public Options options() {
        Options o = new Options()
                .addOption(Option.builder().longOpt("epochs").hasArg().argName("N").desc("number of epochs (default: the train block's)").get())
                .addOption(Option.builder().longOpt("batch-size").hasArg().argName("N").desc("batch size (default: the train block's, else 32)").get())
                .addOption(Option.builder().longOpt("save").hasArg().argName("PATH").desc("write a checkpoint (.npz) after every epoch, atomically").get())
                .addOption(Option.builder().longOpt("resume").hasArg().argName("PATH").desc("continue from a checkpoint written by --save").get())
                .addOption(Option.builder().longOpt("json").hasArg().argName("PATH").desc("also write the history and test results as JSON").get())
                .addOption(Option.builder().longOpt("limit").hasArg().argName("N").desc("train on the first N training images only").get());
        TrainSetup.addOptions(o);
        return o;
    }

    public int run(CommandLine cl, Console c) throws Exception {
        // The kernels warm up on a background thread from the start (see KernelWarmup; the system
        // property dlm.warmup=false turns that off, to measure what it gives), and the data set
        // loads on another while this thread sets up the trainer and compiles its step.
        boolean warm = !"false".equals(System.getProperty("dlm.warmup")) && cl.getOptionValue("backend", "jit").equals("jit");
        KernelWarmup warmup = warm ? KernelWarmup.start() : null;
        try {
            return train(cl, c, warmup);
        } finally {
            if (warmup != null) warmup.stop();
        }
    }

    private int train(CommandLine cl, Console c, KernelWarmup warmup) throws Exception {
        TrainSetup setup = TrainSetup.load(cl);
        int epochs = setup.intSetting(cl, "epochs", "epochs", 1);
        int batchSize = setup.intSetting(cl, "batch-size", "batchSize", 32);
        long limit = cl.hasOption("limit") ? Args.longValue(cl, "limit") : 0;
        if (cl.hasOption("limit") && limit < 1) throw new UsageException("--limit must be 1 or more");
        CompletableFuture<Dataset> loading = setup.datasetInBackground(cl);
        Trainer trainer = setup.trainer();
        // the train step for full batches (compiled on first use otherwise, inside the first epoch)
        if (trainer instanceof CompiledTrainer ct) ct.compiled(StepKind.TRAIN, limit > 0 ? (int) Math.min(limit, batchSize) : batchSize);
        Dataset data = TrainSetup.await(loading);
        Tensor images = data.trainImages(), labels = data.trainLabels();
        if (limit > 0) {
            images = Rows.first(images, (int) Math.min(limit, images.dim(0)));
            labels = Rows.first(labels, (int) Math.min(limit, labels.dim(0)));
        }
        int firstEpoch = 1;
        Checkpoints ckpt = new Checkpoints(setup);
        if (cl.hasOption("resume")) firstEpoch = ckpt.resume(Path.of(cl.getOptionValue("resume")), trainer) + 1;
        Path save = cl.hasOption("save") ? Path.of(cl.getOptionValue("save")) : null;
        ProgressBar bar = new ProgressBar(c.out(), System.console() != null && c.out() == System.out);
        List<EpochResult> history;
        if (warmup != null) warmup.stop();
        // Seconds from the JVM's start to the first train step: parse, check, differentiate,
        // compile and load the data (reported in the JSON as startup_seconds).
        long trainStart = System.nanoTime();
        try {
            history = TrainLoop.fit(trainer, images, labels, epochs, batchSize, setup.seed, firstEpoch, bar,
                    r -> { if (save != null) ckpt.save(save, trainer, r.epoch()); });
        } catch (NonFiniteLossException e) {
            throw new DlmException(setup.config.decl().span(), e.getMessage());
        }
        long evalStart = System.nanoTime();
        double[] test = TrainLoop.evaluate(trainer, data.testImages(), data.testLabels(), batchSize);
        double evalSeconds = (System.nanoTime() - evalStart) / 1e9;
        List<String> names = trainer.metricNames();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "test_loss: %.4f", test[0]));
        for (int i = 0; i < names.size(); i++) line.append(String.format(Locale.ROOT, " - test_%s: %.4f", shortName(names.get(i)), test[i + 1]));
        c.out().println(line);
        if (cl.hasOption("json")) {
            double predictSeconds = predictSeconds(trainer, data.testImages(), data.testLabels(), batchSize);
            JsonReport.write(Path.of(cl.getOptionValue("json")), history, names, test,
                    Map.of("startup_seconds", Timings.secondsSinceJvmStart(trainStart), "eval_seconds", evalSeconds, "predict_seconds", predictSeconds));
        }
        return 0;
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
