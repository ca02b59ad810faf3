package dlm.api;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.codegen.Codegen;
import dlm.compiler.codegen.Codegen.StepKind;
import dlm.compiler.codegen.Compilation;
import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceFile;
import dlm.compiler.ir.Node;
import dlm.compiler.train.TrainGraph;
import dlm.compiler.check.TrainConfig;
import dlm.compiler.cli.TrainRun;
import dlm.runtime.Tensor;
import dlm.runtime.io.Checkpoint;
import dlm.runtime.kernels.KernelPool;
import dlm.runtime.train.EpochResult;
import dlm.runtime.train.ProgressBar;
import dlm.runtime.train.TrainLoop;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@code .dlm} model with trained weights, ready to predict from Java:
 *
 * <pre>{@code
 * DlmModel model = DlmModel.load(Path.of("mnist.dlm"), Path.of("mnist.npz"));
 * System.out.println(model.inputs());   // [images: u8[batch, 28, 28]]
 * try (Predictor p = model.predictor()) {
 *     float[][] probs = p.predict(images);   // byte[batch][28][28] → float[batch][10]
 * }
 * }</pre>
 *
 * <p>The file must have one {@code train(Model) { … }} block: its model is the one loaded, and
 * the weights are those {@code dlmc train --save} writes for it (a NumPy {@code .npz} of the
 * params and states by name; optimizer state and metadata in it are ignored). Prediction runs the
 * block's predict step — the training flag false, so dropout is off and batch normalization uses
 * its moving statistics — exactly as {@code dlmc predict} and {@code dlmc eval} do, compiled to
 * JVM bytecode.
 *
 * <p><b>Batch sizes.</b> The compiler generates code for fixed shapes (its memory plan, loop
 * bounds and kernel choices depend on them), so the predict step is compiled once per batch size
 * actually used, on first use, and the compiled class cached in the model for its lifetime. This
 * keeps the generated code identical to what {@code dlmc} runs (same arithmetic, bit for bit) at
 * the price of one compilation per new size; a service that sees many sizes should pad or split
 * its requests into a few sizes. Compilations are serialized; predicting at sizes already
 * compiled never waits for one.
 *
 * <p>A model is immutable and safe to share between threads; so is a {@link Predictor}.
 */
public final class DlmModel {
    private final Program program;
    private final TrainGraph tg;
    /** The params and states by name; null for a model loaded without weights (untrained). */
    private final Map<String, Tensor> weights;
    private final List<TensorInfo> inputs, outputs;
    private final Map<Integer, Compilation> compiled = new ConcurrentHashMap<>();

    /** The checked program and its train block, which {@link #fit} trains with. */
    private record Program(CheckedProgram checked, TrainConfig config) {}

    private DlmModel(Program program, TrainGraph tg, Map<String, Tensor> weights) {
        this.program = program;
        this.tg = tg;
        this.weights = weights == null ? null : Map.copyOf(weights);
        this.inputs = tg.inputs.stream().map(n -> TensorInfo.of(n.name(), n.type())).toList();
        List<TensorInfo> outs = new java.util.ArrayList<>();
        for (int h = 0; h < tg.outputs.size(); h++) outs.add(TensorInfo.of(tg.byName() ? tg.outputNames.get(h) : "output", tg.outputs.get(h).type()));
        this.outputs = List.copyOf(outs);
    }

    /**
     * Loads a model from a {@code .dlm} file and its weights from an {@code .npz} written by
     * {@code dlmc train --save}.
     *
     * @throws NoSuchFileException  when either file does not exist
     * @throws IOException          when a file cannot be read or the weights are not a valid {@code .npz}
     * @throws DlmCompileException  when the program has an error (located in the file)
     * @throws WeightsException     when the weights do not fit the model
     */
    public static DlmModel load(Path dlmFile, Path weightsNpz) throws IOException {
        Program p = program(() -> Frontend.load(dlmFile), dlmFile.toString());
        TrainGraph tg = graph(p);
        return new DlmModel(p, tg, Weights.read(weightsNpz, weightsNpz.toString(), tg));
    }

    /**
     * Loads a model without weights, to {@link #fit} it: training starts from the initial weights
     * the params' initializers draw from the seed, as {@code dlmc train} does. Such a model cannot
     * predict until trained.
     *
     * @throws NoSuchFileException when the file does not exist
     * @throws DlmCompileException when the program has an error (located in the file)
     */
    public static DlmModel load(Path dlmFile) throws IOException {
        Program p = program(() -> Frontend.load(dlmFile), dlmFile.toString());
        return new DlmModel(p, graph(p), null);
    }

    /**
     * Loads a model and its weights from resources of a class loader (e.g. packaged in the
     * application's jar): {@code load(getClass().getClassLoader(), "models/mnist.dlm", "models/mnist.npz")}.
     * Errors in the program are located at the resource name. The program may import the
     * standard library ({@code import std.nn.*}).
     *
     * @throws NoSuchFileException when a resource does not exist; other failures as {@link #load(Path, Path)}
     */
    public static DlmModel load(ClassLoader loader, String dlmResource, String weightsResource) throws IOException {
        String text;
        try (InputStream in = open(loader, dlmResource)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Program p = program(() -> Frontend.compile(SourceFile.of(dlmResource, text)), dlmResource);
        TrainGraph tg = graph(p);
        // the .npz reader needs random access (a zip's central directory): a temporary copy
        Path tmp = Files.createTempFile("dlm-weights", ".npz");
        try {
            try (InputStream in = open(loader, weightsResource)) {
                Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            return new DlmModel(p, tg, Weights.read(tmp, weightsResource, tg));
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static InputStream open(ClassLoader loader, String resource) throws IOException {
        InputStream in = loader.getResourceAsStream(resource);
        if (in == null) throw new NoSuchFileException(resource, null, "no such resource");
        return in;
    }

    private interface ProgramSource { CheckedProgram load() throws IOException; }

    private static Program program(ProgramSource source, String name) throws IOException {
        try {
            CheckedProgram p = source.load();
            if (p.trains().size() != 1)
                throw new DlmModelException(name + (p.trains().isEmpty() ? " has no train(Model) { … } block" : " has several train blocks")
                        + ": the model to load is the one a single train block names");
            return new Program(p, p.trains().get(0));
        } catch (DlmException e) {
            throw new DlmCompileException(e);
        }
    }

    private static TrainGraph graph(Program p) {
        TrainGraph tg;
        try {
            tg = TrainGraph.build(p.checked(), p.config());
        } catch (DlmException e) {
            throw new DlmCompileException(e);
        }
        return tg;
    }

    /** The model's inputs (its parameters, e.g. {@code images: u8[batch, 28, 28]}; several for a model trained by name). */
    public List<TensorInfo> inputs() { return inputs; }

    /** The model's outputs (one, named {@code output}, e.g. {@code output: f32[batch, 10]}; several, named as the values it returns, for a list return). */
    public List<TensorInfo> outputs() { return outputs; }

    /** The model's name in the source ({@code Mnist}). */
    public String name() { return tg.feed().model(); }

    /**
     * A predictor for this model. It may be used from many threads at once; close it to release
     * its buffers (the compiled code stays cached in the model).
     */
    public Predictor predictor() {
        if (weights == null) throw new IllegalStateException("model " + name() + " has no weights: fit it, or load it with its weights");
        if (tg.byName())
            throw new UnsupportedOperationException("a predictor takes one input and gives one output, but model " + name() + " takes " + inputs.size()
                    + " inputs and returns " + outputs.size() + " outputs (dlmc predict gives each)");
        return new Predictor(this);
    }

    /** Whether this model has weights (loaded or trained), so that it can predict and be saved. */
    public boolean hasWeights() { return weights != null; }

    /**
     * Trains this model on {@code data} with its train block's loss, optimizer, metrics, callbacks,
     * {@code validationSplit} or {@code validationData} and settings, overridden by {@code options}:
     * the same code as {@code dlmc train}, so with the same settings and rows the trained weights
     * are the same, bit for bit. A model loaded without weights starts from its initializers (drawn
     * from the seed, and its {@code normalization()} layers adapted to the data); a model with
     * weights continues from them, with a fresh optimizer. This model is not changed: the trained
     * one is {@link FitResult#model()}. When the dataset has a test part, the trained model is
     * evaluated on it ({@link FitResult#test()}, in batches of the batch size).
     *
     * <p>{@link FitOptions#threads} sets the kernels' process-wide thread count for the duration of
     * the call (results do not depend on it); run one fit at a time when you set it.
     *
     * @throws InputException       when the data does not fit the model's input or its loss's labels
     * @throws DlmCompileException  when the train block cannot run as asked (located in the file: e.g. a
     *                              validationSplit that leaves no rows, or a non-finite loss located at the op that made it)
     * @throws IOException          when a checkpoint or a dataset the block names cannot be written or read
     * @throws IllegalArgumentException when {@link FitOptions#checkpoint} cannot be written (checked before training:
     *                              a folder, a missing folder, a file that is not a checkpoint, the path of a modelCheckpoint)
     */
    public FitResult fit(Dataset data, FitOptions options) throws IOException {
        java.util.Objects.requireNonNull(data, "data");
        java.util.Objects.requireNonNull(options, "options");
        dlm.runtime.data.Dataset d = data.forModel(tg, name());
        if (d.trainImages().dim(0) == 0) throw new InputException("the dataset has no rows to train on");
        FitListener l = options.listener();
        int before = options.threads() > 0 ? KernelPool.setThreads(options.threads()) : -1;
        try {
            PrintStream sink = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
            List<String> names = tg.metricNames;
            TrainRun.Reports reports = new TrainRun.Reports(new StepReports(sink, l, names), l::note, sink,
                    r -> l.epochEnded(new FitListener.Epoch(r.epoch(), r.loss(), named(names, r.metrics(), ""),
                            r.hasValidation() ? withLoss(names, r.validation(), "val_") : Map.of(), r.seconds())));
            TrainRun.Request request = new TrainRun.Request(options.epochs(), options.batchSize(), options.limit(), options.dataDir(), options.checkpoint(), null);
            TrainRun.Outcome o = TrainRun.fit(program.checked(), program.config(), tg, options.seed(), d, request, weights, reports);
            Map<String, Double> test = Map.of();
            if (d.testImages().dim(0) > 0) {
                double[] t = TrainLoop.evaluate(o.trainer(), d.testImages(), d.testLabels(), o.batchSize());
                List<Double> tl = new java.util.ArrayList<>();
                for (double v : t) tl.add(v);
                test = withLoss(names, tl, "");
            }
            Map<String, Tensor> trained = new java.util.LinkedHashMap<>();
            o.trainer().params().all().forEach((k, v) -> trained.put(k, v.copy()));
            List<FitListener.Epoch> history = new java.util.ArrayList<>();
            for (EpochResult r : o.history())
                history.add(new FitListener.Epoch(r.epoch(), r.loss(), named(names, r.metrics(), ""), r.hasValidation() ? withLoss(names, r.validation(), "val_") : Map.of(), r.seconds()));
            return new FitResult(new DlmModel(program, tg, trained), history, test);
        } catch (DlmException e) {
            throw new DlmCompileException(e);
        } finally {
            if (before > 0) KernelPool.setParallelism(before);
        }
    }

    /**
     * Writes this model's weights (params and states by name) as a NumPy {@code .npz}, atomically,
     * in the format {@code dlmc train --save} writes, so that {@code dlmc eval --weights},
     * {@code dlmc predict} and {@link #load(Path, Path)} read it (it has no optimizer state: it
     * cannot be {@code --resume}d).
     *
     * @throws IllegalStateException when the model has no weights
     */
    public void save(Path npz) throws IOException {
        if (weights == null) throw new IllegalStateException("model " + name() + " has no weights to save: fit it first");
        if (!npz.toString().endsWith(".npz")) throw new IllegalArgumentException("weights are saved as a NumPy .npz file: " + npz);
        new Checkpoint(new java.util.LinkedHashMap<>(weights), Map.of(), Map.of(Checkpoint.MODEL, name())).save(npz);
    }

    /** The model's current weights by name (copies), or an empty map for a model without weights. */
    public Map<String, Tensor> weightsCopy() {
        Map<String, Tensor> m = new java.util.LinkedHashMap<>();
        if (weights != null) weights.forEach((k, v) -> m.put(k, v.copy()));
        return m;
    }

    private static Map<String, Double> named(List<String> names, List<Double> values, String prefix) {
        Map<String, Double> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) m.put(prefix + names.get(i), values.get(i));
        return java.util.Collections.unmodifiableMap(m);
    }

    /** {@code [loss, metric…]} as {@code loss} then each metric, prefixed. */
    private static Map<String, Double> withLoss(List<String> names, List<Double> values, String prefix) {
        Map<String, Double> m = new java.util.LinkedHashMap<>();
        m.put(prefix + "loss", values.get(0));
        for (int i = 0; i < names.size(); i++) m.put(prefix + names.get(i), values.get(i + 1));
        return java.util.Collections.unmodifiableMap(m);
    }

    /** The progress line's per-step hook, turned into {@link FitListener#stepEnded}; prints nothing. */
    private static final class StepReports extends ProgressBar {
        private final FitListener l;
        private final List<String> names;

        StepReports(PrintStream sink, FitListener l, List<String> names) {
            super(sink, false);
            this.l = l;
            this.names = names;
        }

        @Override
        public void update(int epoch, int epochs, int step, int steps, double seconds, List<String> metricNames, double[] means) {
            Map<String, Double> m = new java.util.LinkedHashMap<>();
            m.put("loss", means[0]);
            for (int i = 0; i < names.size(); i++) m.put(names.get(i), means[i + 1]);
            l.stepEnded(epoch, step, steps, java.util.Collections.unmodifiableMap(m));
        }
    }

    // ---- for Predictor ---------------------------------------------------------------------------

    TrainGraph graph() { return tg; }

    /** The params and states by name; compiled instances only read them. */
    Map<String, Tensor> weights() { return weights; }

    /** The predict step for a batch size, compiled on first use (one compilation at a time: the code generator is not known to be reentrant). */
    Compilation compiled(int batch) {
        Compilation c = compiled.get(batch);
        if (c != null) return c;
        synchronized (compiled) {
            c = compiled.get(batch);
            if (c == null) {
                try {
                    c = Codegen.compile(tg, StepKind.PREDICT, batch);
                } catch (DlmException e) {
                    throw new DlmCompileException(e);
                }
                compiled.put(batch, c);
            }
            return c;
        }
    }

    /** The batch sizes compiled so far (for tests and monitoring). */
    public java.util.Set<Integer> compiledBatchSizes() { return java.util.Set.copyOf(compiled.keySet()); }
}
