package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dlm.compiler.TestFiles;
import dlm.compiler.train.Trainer;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.data.Dataset;
import dlm.runtime.io.Checkpoint;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code dlmc export}: each example model, trained briefly by {@code dlmc train --save}, exported,
 * loaded by ONNX Runtime and run on test rows at two batch sizes (the batch dim is symbolic),
 * must give DLM's own predictions (the compiled predict step) to within 1e-5; an op with no
 * mapping and a too-old opset are refused with their exact messages.
 */
class OnnxExportCliTest {
    @TempDir
    Path tmp;

    private static final double TOLERANCE = 1e-5;

    /** Trains {@code example} for one epoch on the first {@code limit} rows and exports it; returns the ONNX file. */
    private Path trainAndExport(Path example, int limit, String... exportArgs) {
        Path w = tmp.resolve("w.npz"), onnx = tmp.resolve("model.onnx");
        CliRunner train = CliRunner.run("train", example.toString(), "--epochs", "1", "--limit", String.valueOf(limit), "--save", w.toString(),
                "--data", TestFiles.dataDir().toString());
        assertEquals(0, train.status(), train.err());
        String[] args = concat(new String[] {"export", example.toString(), "--weights", w.toString(), "--out", onnx.toString()}, exportArgs);
        CliRunner export = CliRunner.run(args);
        assertEquals(0, export.status(), export.err());
        assertTrue(export.out().startsWith("wrote " + onnx + " (ONNX opset "), export.out());
        return onnx;
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** DLM's predictions (the compiled predict step with the saved weights) and ONNX Runtime's, on the first {@code rows} test rows, compared. */
    private double maxDifference(Path example, Path onnx, int rows) throws Exception {
        Options o = new Options();
        TrainSetup.addOptions(o, "draws");
        CommandLine cl = new DefaultParser().parse(o, new String[] {example.toString(), "--data", TestFiles.dataDir().toString()});
        Console console = new Console(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), System.err);
        TrainSetup setup = TrainSetup.load(cl, console);
        Trainer t = setup.trainer();
        Checkpoint c = Checkpoints.read(tmp.resolve("w.npz"), setup.graph.weights());
        c.params().forEach((k, v) -> t.params().set(k, v));
        Dataset data = setup.testable(cl);
        Tensor images = Rows.first(data.testImages(), Math.min(rows, data.testImages().dim(0)));
        Tensor dlm = t.predict(images);
        float[] ort = runOrt(onnx, setup.graph.images.name(), images);
        assertEquals(dlm.size(), ort.length);
        double max = 0, lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < ort.length; i++) {
            max = Math.max(max, Math.abs(ort[i] - dlm.getDouble(i)));
            lo = Math.min(lo, dlm.getDouble(i));
            hi = Math.max(hi, dlm.getDouble(i));
        }
        assertTrue(hi - lo > 1e-3, "the predictions do not depend on the input: " + lo + " to " + hi);
        assertTrue(Double.isFinite(max), "a NaN in the outputs");
        System.out.printf("%s, %d rows: max abs difference %.3g%n", example.getFileName(), images.dim(0), max);
        return max;
    }

    /** ONNX Runtime's output for {@code x} fed to input {@code name}, flattened. */
    static float[] runOrt(Path onnx, String name, Tensor x) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] shape = Arrays.stream(x.shape()).asLongStream().toArray();
        try (OrtSession s = env.createSession(Files.readAllBytes(onnx), new OrtSession.SessionOptions());
             OnnxTensor in = x.dtype() == DType.U8
                     ? OnnxTensor.createTensor(env, ByteBuffer.wrap(x.byteStorage().clone()), shape, OnnxJavaType.UINT8)
                     : OnnxTensor.createTensor(env, FloatBuffer.wrap(x.f32Storage().clone()), shape);
             OrtSession.Result r = s.run(Map.of(name, in))) {
            assertEquals(List.of(name), List.copyOf(s.getInputNames()));
            assertEquals(List.of("output"), List.copyOf(s.getOutputNames()));
            FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
            float[] out = new float[fb.remaining()];
            fb.get(out);
            return out;
        }
    }

    @Test
    void mnistMatchesOnnxRuntimeOnOneHundredTestImagesAndAnyBatchSize() throws Exception {
        Path ex = TestFiles.example("mnist.dlm");
        Path onnx = trainAndExport(ex, 2048);
        double d100 = maxDifference(ex, onnx, 100), d7 = maxDifference(ex, onnx, 7);
        assertTrue(d100 <= TOLERANCE && d7 <= TOLERANCE, "max abs difference " + d100 + " (100 rows), " + d7 + " (7 rows)");
    }

    @Test
    void convnetMatchesOnnxRuntime() throws Exception {
        Path ex = TestFiles.example("mnist_convnet.dlm");
        Path onnx = trainAndExport(ex, 512);
        double d100 = maxDifference(ex, onnx, 100), d3 = maxDifference(ex, onnx, 3);
        assertTrue(d100 <= TOLERANCE && d3 <= TOLERANCE, "max abs difference " + d100 + " (100 rows), " + d3 + " (3 rows)");
    }

    /** The other example models: explicit weights, batch normalization and dropout, adapted normalization (tabular), u8 tables. */
    @ParameterizedTest
    @ValueSource(strings = {"mnist_from_scratch.dlm", "fashion_mnist.dlm", "fashion_mnist_regularized.dlm", "iris.dlm", "breast_cancer.dlm",
            "boston_housing.dlm", "digits.dlm"})
    void exampleMatchesOnnxRuntime(String example) throws Exception {
        Path ex = TestFiles.example(example);
        Path onnx = trainAndExport(ex, 512, "--opset", "17");
        double d100 = maxDifference(ex, onnx, 100), d5 = maxDifference(ex, onnx, 5);
        assertTrue(d100 <= TOLERANCE && d5 <= TOLERANCE, example + ": max abs difference " + d100 + " (100 rows), " + d5 + " (5 rows)");
    }

    private static final String SORTED = """
            import std.nn.*
            model Ranks(x: f32[batch, 3]) {
                val ranks = argsort(x, axis = 1).toF32()
                return dense(ranks, units = 1)
            }
            train(Ranks) {
                data = split(csv("table.csv", target = "y"), test = 0.2, seed = 1)
                loss = ::meanSquaredError
                optimizer = sgd()
                epochs = 1
                batchSize = 8
            }
            """;

    /** A small table and a model over it: its checkpoint after one epoch. */
    private Path tableModel(String source) throws Exception {
        StringBuilder sb = new StringBuilder("a,b,c,y\n");
        for (int i = 0; i < 40; i++) sb.append(i % 7).append(',').append(3 * i % 5).append(',').append(i % 3).append(',').append(i % 4).append('\n');
        Files.writeString(tmp.resolve("table.csv"), sb.toString());
        Path p = Files.writeString(tmp.resolve("ranks.dlm"), source);
        CliRunner train = CliRunner.run("train", p.toString(), "--save", tmp.resolve("w.npz").toString());
        assertEquals(0, train.status(), train.err());
        return p;
    }

    @Test
    void anOpWithoutMappingIsALocatedErrorAtItsSource() throws Exception {
        Path p = tableModel(SORTED);
        Path onnx = tmp.resolve("ranks.onnx");
        CliRunner r = CliRunner.run("export", p.toString(), "--weights", tmp.resolve("w.npz").toString(), "--out", onnx.toString());
        assertEquals(1, r.status());
        assertEquals(p + ":3:17: error: cannot export to ONNX: op 'argsort' has no ONNX mapping (ONNX's TopK leaves the place of NaN unspecified, which DLM sorts as the largest value)\n"
                + "    val ranks = argsort(x, axis = 1).toF32()\n"
                + "                ^~~~~~~~~~~~~~~~~~~~\n", r.err());
        assertEquals("", r.out());
        assertTrue(Files.notExists(onnx), "nothing written");
    }

    @Test
    void anOpsetBelowTheMinimumIsRefused() throws Exception {
        CliRunner r = CliRunner.run("export", TestFiles.example("mnist.dlm").toString(), "--weights", tmp.resolve("none.npz").toString(),
                "--out", tmp.resolve("m.onnx").toString(), "--opset", "16");
        assertEquals(2, r.status());
        assertEquals("dlmc export: error: --opset 16 is too old: dlmc export writes opset 17 or newer (default 18)\n"
                + "usage: dlmc export FILE.dlm --weights PATH --out MODEL.onnx [--opset N]   (dlmc export --help for more)\n", r.err());
    }
}
