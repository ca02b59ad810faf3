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
import dlm.runtime.Tensor;
import java.io.IOException;
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
    private final TrainGraph tg;
    private final Map<String, Tensor> weights;
    private final List<TensorInfo> inputs, outputs;
    private final Map<Integer, Compilation> compiled = new ConcurrentHashMap<>();

    private DlmModel(TrainGraph tg, Map<String, Tensor> weights) {
        this.tg = tg;
        this.weights = Map.copyOf(weights);
        this.inputs = List.of(TensorInfo.of(tg.images.name(), tg.images.type()));
        this.outputs = List.of(TensorInfo.of("output", tg.output.type()));
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
        TrainGraph tg = graph(() -> Frontend.load(dlmFile), dlmFile.toString());
        return new DlmModel(tg, Weights.read(weightsNpz, weightsNpz.toString(), tg));
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
        TrainGraph tg = graph(() -> Frontend.compile(SourceFile.of(dlmResource, text)), dlmResource);
        // the .npz reader needs random access (a zip's central directory): a temporary copy
        Path tmp = Files.createTempFile("dlm-weights", ".npz");
        try {
            try (InputStream in = open(loader, weightsResource)) {
                Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            return new DlmModel(tg, Weights.read(tmp, weightsResource, tg));
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

    private static TrainGraph graph(ProgramSource source, String name) throws IOException {
        try {
            CheckedProgram p = source.load();
            if (p.trains().size() != 1)
                throw new DlmModelException(name + (p.trains().isEmpty() ? " has no train(Model) { … } block" : " has several train blocks")
                        + ": the model to load is the one a single train block names");
            return TrainGraph.build(p, p.trains().get(0));
        } catch (DlmException e) {
            throw new DlmCompileException(e);
        }
    }

    /** The model's inputs (one: the model's parameter, e.g. {@code images: u8[batch, 28, 28]}). */
    public List<TensorInfo> inputs() { return inputs; }

    /** The model's outputs (one, named {@code output}, e.g. {@code output: f32[batch, 10]}). */
    public List<TensorInfo> outputs() { return outputs; }

    /** The model's name in the source ({@code Mnist}). */
    public String name() { return tg.feed().model(); }

    /**
     * A predictor for this model. It may be used from many threads at once; close it to release
     * its buffers (the compiled code stays cached in the model).
     */
    public Predictor predictor() { return new Predictor(this); }

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
