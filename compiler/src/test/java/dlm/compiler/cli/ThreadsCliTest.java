package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.TestFiles;
import dlm.runtime.kernels.KernelPool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --threads N} and {@code DLM_THREADS}: validated as usage errors, shown in the help of the
 * commands that compute, applied to the kernel pool for the command (the JSON report records it),
 * and without effect on the results: training with 1 and with 2 threads writes the same checkpoint
 * bytes, compiled and interpreted.
 */
class ThreadsCliTest {
    private static final List<String> COMPUTING = List.of("train", "eval", "predict", "run", "grad", "gradcheck", "profile");

    @TempDir
    Path tmp;

    /** The process environment without DLM_THREADS, plus {@code extra}. */
    private static Map<String, String> env(String... extra) {
        Map<String, String> e = new HashMap<>(System.getenv());
        e.remove("DLM_THREADS");
        for (int i = 0; i < extra.length; i += 2) e.put(extra[i], extra[i + 1]);
        return e;
    }

    private static String data() { return TestFiles.dataDir().toString(); }

    private static String mnist() { return TestFiles.example("mnist.dlm").toString(); }

    private Path smallModel() throws IOException {
        Path f = tmp.resolve("small.dlm");
        Files.writeString(f, """
                import std.nn.*
                model Small(images: u8[batch, 28, 28]) {
                    val x = images.reshape(batch, 784).toF32() / 255f
                    val hidden = dense(x, units = 16, activation = ::relu)
                    return dense(hidden, units = 10, activation = ::softmax)
                }
                train(Small) { data = mnist(); loss = ::sparseCategoricalCrossentropy; optimizer = adam(); metrics = [::accuracy]; batchSize = 128 }
                """);
        return f;
    }

    private static int jsonInt(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\": (-?\\d+)\\s*[,}\\n]").matcher(json);
        assertTrue(m.find(), key + " as an integer in " + json);
        return Integer.parseInt(m.group(1));
    }

    private static void assertUsageError(CliRunner r, String command, String message) {
        assertEquals(2, r.status(), r.out() + r.err());
        String first = r.err().lines().findFirst().orElse("");
        assertEquals("dlmc " + command + ": error: " + message, first);
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
        assertEquals("", r.out());
    }

    @Test
    void badCountsAreUsageErrorsNamingTheFlagOrTheVariable() {
        String fig = TestFiles.example("figure_2_22.dlm").toString();
        for (String bad : new String[] {"0", "-1", "abc", "", "2.5", "257", "99999999999"}) {
            assertUsageError(CliRunner.runWithEnv(env(), "grad", fig, "--threads", bad), "grad",
                    "--threads must be a whole number from 1 to 256, got '" + bad + "'");
            assertUsageError(CliRunner.runWithEnv(env("DLM_THREADS", bad), "grad", fig), "grad",
                    "DLM_THREADS must be a whole number from 1 to 256, got '" + bad + "'");
        }
        // every command that computes checks it, before doing anything else
        for (String cmd : COMPUTING)
            assertUsageError(CliRunner.runWithEnv(env(), cmd, mnist(), "--threads", "0"), cmd, "--threads must be a whole number from 1 to 256, got '0'");
        CliRunner missing = CliRunner.runWithEnv(env(), "grad", fig, "--threads");
        assertEquals(2, missing.status());
        assertTrue(missing.err().startsWith("dlmc grad: error: ") && missing.err().contains("threads"), missing.err());
    }

    @Test
    void theFlagWinsOverTheVariable() {
        String fig = TestFiles.example("figure_2_22.dlm").toString();
        CliRunner r = CliRunner.runWithEnv(env("DLM_THREADS", "abc"), "grad", fig, "--threads", "1");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("grad(loss, w) = 2.0"), r.out());
        // commands that compute nothing neither take the flag nor read the variable
        assertEquals(0, CliRunner.runWithEnv(env("DLM_THREADS", "abc"), "check", fig).status());
        CliRunner check = CliRunner.runWithEnv(env(), "check", fig, "--threads", "1");
        assertEquals(2, check.status());
        assertTrue(check.err().contains("threads"), check.err());
    }

    @Test
    void helpOfEachComputingCommandShowsIt() {
        for (String cmd : COMPUTING) {
            CliRunner h = CliRunner.runWithEnv(env(), cmd, "--help");
            assertEquals(0, h.status(), cmd);
            assertTrue(h.out().contains("[--threads N]") && h.out().contains("--threads <N>") && h.out().contains("$DLM_THREADS"), h.out());
        }
        for (String cmd : new String[] {"check", "graph", "compile", "disasm", "show"})
            assertFalse(CliRunner.runWithEnv(env(), cmd, "--help").out().contains("--threads"), cmd);
    }

    @Test
    void theCountIsAppliedForTheCommandAndRecordedInTheJsonReport() throws IOException {
        String small = smallModel().toString();
        int before = KernelPool.parallelism();
        Path json = tmp.resolve("r.json");
        // --threads 1 restricts the pool; DLM_THREADS sets it when there is no flag, and a count
        // above the processors is honoured (as torch.set_num_threads does); by default, every processor
        int cores = Runtime.getRuntime().availableProcessors();
        Object[][] cases = {
            {env(), new String[] {"--threads", "1"}, 1},
            {env("DLM_THREADS", "2"), new String[] {"--threads", "1"}, 1},
            {env("DLM_THREADS", String.valueOf(cores + 1)), new String[] {}, cores + 1},
            {env(), new String[] {}, before},
        };
        for (Object[] c : cases) {
            @SuppressWarnings("unchecked") Map<String, String> e = (Map<String, String>) c[0];
            List<String> args = new java.util.ArrayList<>(List.of("train", small, "--data", data(), "--limit", "256", "--json", json.toString()));
            args.addAll(List.of((String[]) c[1]));
            CliRunner r = CliRunner.runWithEnv(e, args.toArray(String[]::new));
            assertEquals(0, r.status(), r.err());
            assertEquals((int) c[2], jsonInt(Files.readString(json), "threads"), String.join(" ", args) + " with DLM_THREADS=" + e.get("DLM_THREADS"));
            assertEquals(before, KernelPool.parallelism(), "the pool's setting is put back after the command");
        }
        assertTrue(KernelPool.size() >= cores + 1, "the pool grew to honour " + (cores + 1) + " threads: " + KernelPool.size());
    }

    /**
     * Trains one epoch with the given thread count and returns the checkpoint's bytes; what it
     * prints (the epoch's loss and accuracy, the test figures; timings aside) must equal
     * {@code printed[0]} when that is set, else is stored there.
     */
    private byte[] train(String file, String threads, String backend, String limit, String[] printed) throws IOException {
        Path ckpt = tmp.resolve("t" + threads + backend + ".npz");
        CliRunner r = CliRunner.runWithEnv(env(), "train", file, "--data", data(), "--limit", limit, "--backend", backend,
                "--threads", threads, "--save", ckpt.toString());
        assertEquals(0, r.status(), r.err());
        String figures = r.out().replaceAll("\\d+\\.\\ds \\d+ms/step", "");
        assertTrue(figures.contains("loss: ") && figures.contains("test_acc: "), r.out());
        if (printed[0] == null) printed[0] = figures;
        else assertEquals(printed[0], figures, "1 and " + threads + " threads, " + backend);
        return Files.readAllBytes(ckpt);
    }

    @Test
    void compiledTrainingIsBitIdenticalWithOneAndTwoThreads() throws IOException {
        // the chapter's model: its 128×784×512 products and its 784×512 Adam update are large
        // enough to be split over the threads
        String[] figures = {null};
        byte[] one = train(mnist(), "1", "jit", "512", figures);
        byte[] two = train(mnist(), "2", "jit", "512", figures);
        assertArrayEquals(one, two, "checkpoints after training with 1 and 2 threads");
    }

    @Test
    void interpretedTrainingIsBitIdenticalWithOneAndTwoThreads() throws IOException {
        // the interpreter splits the rows of its products (here 128×784 by 784×16) over the threads
        String small = smallModel().toString();
        String[] figures = {null};
        byte[] one = train(small, "1", "interp", "256", figures);
        byte[] two = train(small, "2", "interp", "256", figures);
        assertArrayEquals(one, two, "checkpoints after training with 1 and 2 threads on the interpreter");
    }
}
