package dlm.compiler.cli;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.train.CompiledTrainer;
import dlm.compiler.train.TrainGraph;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.exec.KernelWarmup;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The training run behind the JVM's ahead-of-time cache ({@code dlmc --aot-training MODE
 * [FILE.dlm…]}, run by the launcher with {@code -XX:AOTCacheOutput}, JEPs 483/514): it does what
 * dlmc's commands do, on the given programs and on two built-in ones, so that the classes they
 * load (and, where the JVM can keep them, the lambdas and method profiles) go into the cache.
 * Nothing is printed and no data set is read: the same run works in a fresh clone.
 *
 * <ul>
 *   <li>{@code front}: check, graph (text, DOT, simplified) and grad — the commands the launcher
 *   starts without the Vector API;</li>
 *   <li>{@code compute}: the same, then {@code run}, and the built-in MNIST model compiled and
 *   trained for a few steps on synthetic batches (train, eval and predict steps, a full and a
 *   short batch), with the {@link KernelWarmup} that {@code dlmc train} starts.</li>
 * </ul>
 */
final class AotTraining {
    private AotTraining() {}

    /** The chapter's MNIST model (examples/mnist.dlm), so the run does not depend on the examples folder. */
    static final String MNIST = """
            import std.nn.*

            model Mnist(images: u8[batch, 28, 28]) {
                val x = images.reshape(batch, 28 * 28).toF32() / 255f
                val hidden = dense(x, units = 512, activation = ::relu)
                return dense(hidden, units = 10, activation = ::softmax)
            }

            train(Mnist) {
                data = mnist()
                loss = ::sparseCategoricalCrossentropy
                optimizer = adam(learningRate = 1e-3)
                metrics = [::accuracy]
                epochs = 5
                batchSize = 128
            }
            """;

    /** Figure 2.22's scalar model (examples/figure_2_22.dlm): values, a loss and its gradients. */
    static final String FIGURE = """
            model Figure(x: f32 = 2, yTrue: f32 = 4) {
                param w: f32 = 3
                param b: f32 = 1
                val x1 = x * w
                val x2 = x1 + b
                loss = abs(yTrue - x2)
            }
            """;

    /** Train steps on synthetic data in compute mode. */
    static final int STEPS = 12;

    static int run(List<String> args) throws IOException {
        if (args.isEmpty() || !(args.get(0).equals("front") || args.get(0).equals("compute"))) {
            System.err.println("usage: dlmc --aot-training front|compute [FILE.dlm…]");
            return 2;
        }
        boolean compute = args.get(0).equals("compute");
        KernelWarmup warmup = compute ? KernelWarmup.start() : null;
        Path dir = Files.createTempDirectory("dlmc-aot");
        try {
            List<Path> programs = new ArrayList<>();
            programs.add(Files.writeString(dir.resolve("mnist.dlm"), MNIST));
            programs.add(Files.writeString(dir.resolve("figure.dlm"), FIGURE));
            for (String f : args.subList(1, args.size())) {
                Path p = Path.of(f);
                if (Files.isRegularFile(p)) programs.add(p);
            }
            PrintStream sink = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
            Dlmc dlmc = new Dlmc(sink, sink);
            for (Path p : programs) {
                String f = p.toString();
                dlmc.run("check", f);
                dlmc.run("graph", f);
                dlmc.run("graph", f, "--format", "dot");
                dlmc.run("graph", f, "--stats");
                dlmc.run("grad", f);
                if (compute) dlmc.run("run", f);
            }
            if (compute) train();
        } finally {
            if (warmup != null) warmup.stop();
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        return 0;
    }

    /** The MNIST model's compiled steps on synthetic batches: a full one (128) and a short one. */
    private static void train() {
        CheckedProgram p = Frontend.compile("aot-training.dlm", MNIST);
        TrainGraph tg = TrainGraph.build(p, p.trains().get(0));
        CompiledTrainer trainer = new CompiledTrainer(tg, ParamStore.initialize(tg.graph, 0));
        for (int batch : new int[] {128, 32}) {
            Tensor images = Tensor.zeros(DType.U8, batch, 28, 28), labels = Tensor.zeros(DType.U8, batch);
            byte[] px = images.byteStorage(), ys = labels.byteStorage();
            for (int i = 0; i < px.length; i++) px[i] = (byte) (i % 7 < 3 ? (i * 37) & 0xFF : 0);
            for (int i = 0; i < ys.length; i++) ys[i] = (byte) (i % 10);
            for (int s = 0; s < (batch == 128 ? STEPS : 2); s++) trainer.trainStep(images, labels);
            trainer.evalStep(images, labels);
            trainer.predict(images);
        }
    }
}
