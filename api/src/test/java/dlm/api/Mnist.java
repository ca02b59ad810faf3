package dlm.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.cli.Dlmc;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.train.CompiledTrainer;
import dlm.compiler.train.TrainGraph;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.data.Dataset;
import dlm.runtime.data.DatasetOptions;
import dlm.runtime.data.Datasets;
import dlm.runtime.io.Checkpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * examples/mnist.dlm with weights written by {@code dlmc train --save} (one epoch on the first
 * 512 training images of the real MNIST files, which the tests read from $DLM_DATA or the shared
 * data folder; they fail, never skip, without it), made once per test run.
 */
final class Mnist {
    private Mnist() {}

    private static Path weights;
    private static Dataset data;

    static Path root() {
        String r = System.getProperty("dlm.root");
        Path p = r != null && !r.isBlank() ? Path.of(r) : Path.of("..");
        return p.toAbsolutePath().normalize();
    }

    static Path dlm() { return root().resolve("examples/mnist.dlm"); }

    static Path dataDir() {
        String env = System.getenv("DLM_DATA");
        List<Path> candidates = new ArrayList<>();
        if (env != null && !env.isBlank()) candidates.add(Path.of(env));
        candidates.add(root().resolve("../shared/data").normalize());
        candidates.add(Path.of("/work/shared/data"));
        for (Path p : candidates) if (Files.isDirectory(p.resolve("mnist"))) return p;
        throw new AssertionError("no MNIST data: set DLM_DATA to a folder holding mnist/ (looked in " + candidates + ")");
    }

    /** The checkpoint {@code dlmc train examples/mnist.dlm --limit 512 --epochs 1 --save W} writes. */
    static synchronized Path weights() {
        if (weights != null) return weights;
        try {
            Path dir = Files.createTempDirectory("dlm-api-test");
            Path w = dir.resolve("mnist.npz");
            ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
            int status = new Dlmc(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
                    .run("train", dlm().toString(), "--limit", "512", "--epochs", "1", "--save", w.toString(), "--data", dataDir().toString());
            assertEquals(0, status, () -> "dlmc train failed:\n" + out + err);
            dir.toFile().deleteOnExit();
            w.toFile().deleteOnExit();
            return weights = w;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static synchronized Dataset data() {
        if (data == null) data = Datasets.load("mnist", DatasetOptions.defaults().withDataDir(dataDir()));
        return data;
    }

    /** Test images {@code from} … {@code from + n - 1} as a u8[n, 28, 28] tensor. */
    static Tensor testImages(int from, int n) {
        byte[] all = data().testImages().byteStorage();
        return Tensor.wrap(DType.U8, new int[] {n, 28, 28}, Arrays.copyOfRange(all, from * 784, (from + n) * 784));
    }

    /** The same images as {@code byte[n][28][28]}. */
    static byte[][][] testImageArrays(int from, int n) {
        byte[] all = data().testImages().byteStorage();
        byte[][][] r = new byte[n][28][];
        for (int i = 0; i < n; i++) for (int y = 0; y < 28; y++) r[i][y] = Arrays.copyOfRange(all, ((from + i) * 28 + y) * 28, ((from + i) * 28 + y + 1) * 28);
        return r;
    }

    /** What dlmc's own compiled trainer predicts for a batch with the same weights (the reference). */
    static Tensor dlmcPredict(Tensor images) throws IOException {
        CheckedProgram p = Frontend.load(dlm());
        TrainGraph tg = TrainGraph.build(p, p.trains().get(0));
        ParamStore params = ParamStore.initialize(tg.graph, 0);
        Checkpoint.load(weights()).params().forEach(params::set);
        return new CompiledTrainer(tg, params).predict(images);
    }
}
