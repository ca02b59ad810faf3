package dlm.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.cli.Dlmc;
import dlm.compiler.diag.DlmException;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.train.CompiledTrainer;
import dlm.compiler.train.TrainGraph;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.data.Dataset;
import dlm.runtime.data.DatasetOptions;
import dlm.runtime.data.Datasets;
import dlm.runtime.exec.PrecompiledModel;
import dlm.runtime.io.Checkpoint;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model compiled ahead of time (what {@code dlm:compile} writes) runs in a JVM whose class path
 * holds only the runtime and the generated classes, and predicts the same bits as dlmc's own
 * compiled predict step.
 */
class AheadOfTimeTest {
    static Path root() {
        String r = System.getProperty("dlm.root");
        return (r != null && !r.isBlank() ? Path.of(r) : Path.of("..")).toAbsolutePath().normalize();
    }

    static Path dataDir() {
        String env = System.getenv("DLM_DATA");
        for (Path p : new Path[] {env == null || env.isBlank() ? null : Path.of(env), root().resolve("../shared/data"), Path.of("/work/shared/data")})
            if (p != null && Files.isDirectory(p.resolve("mnist"))) return p.toAbsolutePath().normalize();
        throw new AssertionError("no MNIST data: set DLM_DATA to a folder holding mnist/");
    }

    static void write(Path root, Map<String, byte[]> files) throws Exception {
        for (var e : files.entrySet()) {
            Path p = root.resolve(e.getKey());
            Files.createDirectories(p.getParent());
            Files.write(p, e.getValue());
        }
    }

    /** The runtime's classes (a folder in the reactor, or its jar). */
    static Path runtimeClasses() throws Exception {
        return Path.of(PrecompiledModel.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    static final String MAIN = """
            import dlm.models.MnistModel;
            import dlm.runtime.data.Dataset;
            import dlm.runtime.data.DatasetOptions;
            import dlm.runtime.data.Datasets;
            import java.nio.file.Path;
            import java.util.Arrays;

            public class Main {
                public static void main(String[] a) throws Exception {
                    for (String c : new String[] {"dlm.compiler.Frontend", "org.objectweb.asm.ClassWriter", "org.antlr.v4.runtime.Lexer"}) {
                        try { Class.forName(c); System.out.println("FOUND " + c); } catch (ClassNotFoundException e) { System.out.println("absent " + c); }
                    }
                    MnistModel m = MnistModel.load(Path.of(a[0]));
                    Dataset d = Datasets.load("mnist", DatasetOptions.defaults().withDataDir(Path.of(a[1])));
                    int n = Integer.parseInt(a[2]);
                    byte[] all = d.testImages().byteStorage();
                    byte[][][] images = new byte[n][28][];
                    for (int i = 0; i < n; i++) for (int y = 0; y < 28; y++) images[i][y] = Arrays.copyOfRange(all, (i * 28 + y) * 28, (i * 28 + y + 1) * 28);
                    float[][] p = m.predict(images);
                    StringBuilder sb = new StringBuilder("bits");
                    for (float[] row : p) for (float v : row) sb.append(' ').append(Integer.toHexString(Float.floatToRawIntBits(v)));
                    System.out.println(sb);
                    System.out.println("batch " + m.batchSize());
                }
            }
            """;

    private static Path weights;

    /** Weights of examples/mnist.dlm from {@code dlmc train --limit 256 --epochs 1 --save}, made once. */
    static synchronized Path weights() throws Exception {
        if (weights != null) return weights;
        Path dir = Files.createTempDirectory("dlm-aot-test");
        Path w = dir.resolve("mnist.npz");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(log, true, StandardCharsets.UTF_8);
        assertEquals(0, new Dlmc(ps, ps).run("train", root().resolve("examples/mnist.dlm").toString(), "--limit", "256", "--epochs", "1", "--save", w.toString(),
                "--data", dataDir().toString()), log::toString);
        w.toFile().deleteOnExit();
        dir.toFile().deleteOnExit();
        return weights = w;
    }

    @Test
    void theExampleAppCompilesTheChaptersModel() throws Exception {
        assertEquals(Files.readString(root().resolve("examples/mnist.dlm")), Files.readString(root().resolve("examples/java-app/src/main/dlm/mnist.dlm")));
    }

    @Test
    void manyThreadsPredictWhatOneThreadPredicts(@TempDir Path dir) throws Exception {
        ModelCompiler.Output out = ModelCompiler.compile(root().resolve("examples/mnist.dlm"), "dlm.models", 16);
        write(dir, out.classes());
        write(dir, out.resources());
        try (var loader = new java.net.URLClassLoader(new java.net.URL[] {dir.toUri().toURL()}, PrecompiledModel.class.getClassLoader())) {
            PrecompiledModel m = PrecompiledModel.load(loader, "dlm/models/MnistModel.step", "images", "output", weights());
            assertEquals(16, m.batchSize());
            byte[] all = Datasets.load("mnist", DatasetOptions.defaults().withDataDir(dataDir())).testImages().byteStorage();
            int[] sizes = {1, 15, 16, 17, 40, 3, 33};
            List<float[]> expected = new ArrayList<>();
            for (int i = 0; i < sizes.length; i++) expected.add(m.predict(Tensor.wrap(DType.U8, new int[] {sizes[i], 28, 28}, Arrays.copyOfRange(all, i * 784, (i + sizes[i]) * 784))).f32Storage());
            // each row's scores do not depend on the rows it is batched with (chunks and padding)
            float[] one = m.predict(Tensor.wrap(DType.U8, new int[] {1, 28, 28}, Arrays.copyOfRange(all, 2 * 784, 3 * 784))).f32Storage();
            assertTrue(Arrays.equals(one, Arrays.copyOfRange(expected.get(1), 10, 20))); // image 2: row 1 of the batch of 15 from image 1
            var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
            try {
                List<java.util.concurrent.Future<Boolean>> fs = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int seed = t;
                    fs.add(pool.submit(() -> {
                        for (int r = 0; r < 40; r++) {
                            int i = (seed + r) % sizes.length;
                            float[] got = m.predict(Tensor.wrap(DType.U8, new int[] {sizes[i], 28, 28}, Arrays.copyOfRange(all, i * 784, (i + sizes[i]) * 784))).f32Storage();
                            if (!Arrays.equals(expected.get(i), got)) return false;
                        }
                        return true;
                    }));
                }
                for (var f : fs) assertTrue(f.get());
            } finally {
                pool.shutdownNow();
            }
            var bad = assertThrows(IllegalArgumentException.class, () -> m.predict(Tensor.zeros(DType.U8, 2, 28, 27)));
            assertEquals("input 'images' takes u8[n, 28, 28], got u8[2, 28, 27]", bad.getMessage());
            // weights that do not fit: every problem listed
            Path other = dir.resolve("other.npz");
            java.util.Map<String, Tensor> ws = new java.util.LinkedHashMap<>(Checkpoint.load(weights()).params());
            ws.remove("output.b");
            ws.put("hidden.b", Tensor.zeros(DType.F32, 511));
            new Checkpoint(ws).save(other);
            var e = assertThrows(dlm.runtime.io.CheckpointException.class, () -> PrecompiledModel.load(loader, "dlm/models/MnistModel.step", "images", "output", other));
            assertEquals(List.of("hidden.b: f32[511], expected f32[512]", "output.b: missing (expected f32[10])"), e.problems().stream().sorted().toList());
        }
    }

    /**
     * A model whose prediction mixes the rows of a batch (centred by the batch mean) would give
     * other outputs on a padded short batch: the plugin names the op and its place, warns, and
     * the facade takes whole batches only — predicting them exactly as dlmc's predict step does.
     */
    @Test
    void aModelThatMixesRowsPredictsWholeBatchesOnly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("centered.dlm");
        Files.writeString(dir.resolve("t.csv"), "a,b,c,y\n1,2,3,0.5\n4,5,6,1.5\n");
        Files.writeString(file, """
                import std.nn.*
                model Centered(x: f32[batch, 3]) {
                    return dense(x - mean(x, axis = 0), units = 1)
                }
                train(Centered) {
                    data = csv("t.csv", target = "y")
                    loss = ::meanSquaredError
                    optimizer = sgd(learningRate = 0.1)
                    batchSize = 4
                }
                """);
        ModelCompiler.Output out = ModelCompiler.compile(file, "m", 0);
        assertEquals("'mean' at " + file + ":3:22", out.rowsMixAt());
        assertTrue(out.sources().get("m/CenteredModel.java").contains("so calls take whole batches only: a multiple of 4 rows"));
        // the examples mix no rows: their facades take any number of rows
        assertTrue(ModelCompiler.compile(root().resolve("examples/mnist_convnet.dlm"), "m", 0).rowsIndependent());

        CheckedProgram prog = Frontend.load(file);
        TrainGraph tg = TrainGraph.build(prog, prog.trains().get(0));
        ParamStore params = ParamStore.initialize(tg.graph, 3);
        Path weights = dir.resolve("w.npz");
        new Checkpoint(params.all()).save(weights);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        write(classes, out.classes());
        write(classes, out.resources());
        try (var loader = new java.net.URLClassLoader(new java.net.URL[] {classes.toUri().toURL()}, PrecompiledModel.class.getClassLoader())) {
            PrecompiledModel m = PrecompiledModel.load(loader, "m/CenteredModel.step", "x", "output", weights, out.rowsMixAt());
            assertTrue(!m.rowsIndependent());
            float[] x = new float[8 * 3];
            for (int i = 0; i < x.length; i++) x[i] = (i * 7 % 5) - 1.5f;
            float[] got = m.predict(Tensor.wrap(DType.F32, new int[] {8, 3}, x)).f32Storage();
            CompiledTrainer t = new CompiledTrainer(tg, params);
            for (int from = 0; from < 8; from += 4) {
                float[] want = t.predict(Tensor.wrap(DType.F32, new int[] {4, 3}, Arrays.copyOfRange(x, from * 3, from * 3 + 12))).f32Storage();
                assertTrue(Arrays.equals(want, Arrays.copyOfRange(got, from, from + 4)));
            }
            var e = assertThrows(IllegalArgumentException.class, () -> m.predict(Tensor.zeros(DType.F32, 5, 3)));
            assertEquals("this model's predict step mixes the rows of a batch ('mean' at " + file + ":3:22), so padding a short batch would change its output:"
                    + " it predicts whole batches of 4 rows only, got 5 rows", e.getMessage());
        }
    }

    @Test
    void theCompiledModelRunsWithTheRuntimeAloneAndPredictsDlmcsBits(@TempDir Path dir) throws Exception {
        Path weights = weights();
        Path mnist = root().resolve("examples/mnist.dlm");

        ModelCompiler.Output out = ModelCompiler.compile(mnist, "dlm.models", 0);
        assertEquals("MnistModel", out.facade());
        assertEquals(List.of("dlm/runtime/exec/Mnist_predict_b128.class"), List.copyOf(out.classes().keySet()));
        assertEquals(List.of("dlm/models/MnistModel.step"), List.copyOf(out.resources().keySet()));
        Path classes = Files.createDirectories(dir.resolve("classes")), sources = Files.createDirectories(dir.resolve("src"));
        write(classes, out.classes());
        write(classes, out.resources());
        Files.writeString(sources.resolve("Main.java"), MAIN);
        Path facade = sources.resolve("MnistModel.java");
        Files.writeString(facade, out.sources().get("dlm/models/MnistModel.java"));
        String cp = runtimeClasses() + File.pathSeparator + classes;
        int javac = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), "-cp", cp, "--release", "25",
                "--add-modules", "jdk.incubator.vector", "-Xlint:-incubating", facade.toString(), sources.resolve("Main.java").toString());
        assertEquals(0, javac);

        int n = 130; // a full batch of 128 and a padded one of 2
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--add-modules", "jdk.incubator.vector",
                "-cp", cp, "Main", weights.toString(), dataDir().toString(), Integer.toString(n)).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), text);
        assertTrue(text.contains("absent dlm.compiler.Frontend") && text.contains("absent org.objectweb.asm.ClassWriter")
                && text.contains("absent org.antlr.v4.runtime.Lexer"), text);
        assertTrue(text.contains("batch 128"), text);
        String bits = text.lines().filter(l -> l.startsWith("bits")).findFirst().orElseThrow();

        // the reference: dlmc's compiled predict step on the same chunks (128 rows, then 2 padded with zero images to 128)
        CheckedProgram prog = Frontend.load(mnist);
        TrainGraph tg = TrainGraph.build(prog, prog.trains().get(0));
        ParamStore params = ParamStore.initialize(tg.graph, 0);
        Checkpoint.load(weights).params().forEach(params::set);
        CompiledTrainer t = new CompiledTrainer(tg, params);
        Dataset d = Datasets.load("mnist", DatasetOptions.defaults().withDataDir(dataDir()));
        byte[] all = d.testImages().byteStorage();
        StringBuilder expected = new StringBuilder("bits");
        for (int from = 0; from < n; from += 128) {
            byte[] chunk = new byte[128 * 784];
            int rows = Math.min(128, n - from);
            System.arraycopy(all, from * 784, chunk, 0, rows * 784);
            float[] o = t.predict(Tensor.wrap(DType.U8, new int[] {128, 28, 28}, chunk)).f32Storage();
            for (int i = 0; i < rows * 10; i++) expected.append(' ').append(Integer.toHexString(Float.floatToRawIntBits(o[i])));
        }
        assertEquals(expected.toString(), bits);
    }

    @Test
    void aCompileErrorIsReportedInMavensFormatAtItsPlace(@TempDir Path dir) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src/main/dlm/nested"));
        Path bad = src.resolve("bad.dlm");
        Files.writeString(bad, Files.readString(root().resolve("examples/mnist.dlm")).replace("activation = ::relu", "activation = ::rellu"));
        DlmException e = assertThrows(DlmException.class, () -> ModelCompiler.compile(bad, "dlm.models", 0));
        int col = Files.readString(bad).lines().toList().get(6).indexOf("::rellu") + 1;
        assertEquals(bad + ":[7," + col + "] " + e.getMessage(), ModelCompiler.mavenError(e));
        assertTrue(e.getMessage().contains("rellu"), e.getMessage());

        // the goal: every file's errors logged that way, then the build fails
        Files.copy(root().resolve("examples/mnist.dlm"), src.resolve("good.dlm"));
        List<String> errors = new ArrayList<>();
        CompileMojo mojo = new CompileMojo();
        set(mojo, "sourceDirectory", dir.resolve("src/main/dlm").toFile());
        set(mojo, "outputDirectory", dir.resolve("classes").toFile());
        set(mojo, "generatedSourcesDirectory", dir.resolve("gen").toFile());
        set(mojo, "packageName", "app.models");
        mojo.setLog(new org.apache.maven.plugin.logging.SystemStreamLog() {
            @Override
            public void error(CharSequence c) { errors.add(c.toString()); }
        });
        var failure = assertThrows(org.apache.maven.plugin.MojoFailureException.class, mojo::execute);
        assertEquals("DLM compilation failed: 1 error (listed above)", failure.getMessage());
        assertEquals(List.of(ModelCompiler.mavenError(e)), errors);
        // the good file was compiled all the same
        assertTrue(Files.isRegularFile(dir.resolve("gen/app/models/GoodModel.java")) || Files.isRegularFile(dir.resolve("gen/app/models/MnistModel.java")));
        assertTrue(Files.isRegularFile(dir.resolve("classes/app/models/MnistModel.step")));
    }

    @Test
    void aModelOfSeveralInputsOrOutputsIsALocatedError() {
        Path file = root().resolve("examples/multi_output.dlm");
        DlmException e = assertThrows(DlmException.class, () -> ModelCompiler.compile(file, "p", 0));
        assertEquals("the facade dlm-maven-plugin generates takes one input and gives one output; model TwoHeads takes 2 inputs and returns 2 outputs"
                + " (use DlmModel from dlm-api, or dlmc predict)", e.getMessage());
        assertEquals(9, e.span().line());
    }

    @Test
    void aFileWithoutATrainBlockIsALocatedError(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("m.dlm");
        Files.writeString(f, "model M(x: f32[batch, 4]) {\n    return x * 2f\n}\n");
        DlmException e = assertThrows(DlmException.class, () -> ModelCompiler.compile(f, "p", 0));
        assertEquals(f + ":[1,1] no train(Model) { … } block: the model compiled is the one a single train block names", ModelCompiler.mavenError(e));
    }

    static void set(Object o, String field, Object value) throws Exception {
        var f = o.getClass().getDeclaredField(field);
        f.setAccessible(true);
        f.set(o, value);
    }

    @Test
    void theFacadeOffersTheOverloadsTheModelFits() throws Exception {
        Path mnist = root().resolve("examples/mnist.dlm");
        String src = ModelCompiler.compile(mnist, "", 32).sources().get("MnistModel.java");
        assertTrue(src.contains("public float[][] predict(byte[][][] images)"), src);
        assertTrue(!src.contains("predict(float[][]"), src);
        assertTrue(src.startsWith("import dlm.runtime.Tensor;"), src);
        assertTrue(!Arrays.asList(src.split("\n")).stream().anyMatch(l -> l.contains("dlm.compiler")), src);
    }
}
