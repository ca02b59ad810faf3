package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.TestFiles;
import dlm.runtime.Tensor;
import dlm.runtime.io.Npz;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What dlmc does to start fast, tested for its results (never its speed): the timings of
 * {@code check --timings}, the front-end commands running without the Vector API module, the
 * launcher's AOT training run, and a train run that gives the same bits with or without the
 * kernel warm-up and the background data loading.
 */
class StartupTest {
    @TempDir
    Path tmp;

    @Test
    void checkTimingsReportsEachPhaseOnStderrAndLeavesStdoutAlone() {
        String mnist = TestFiles.example("mnist.dlm").toString();
        CliRunner plain = CliRunner.run("check", mnist);
        CliRunner timed = CliRunner.run("check", mnist, "--timings");
        assertEquals(0, timed.status(), timed.err());
        assertEquals(plain.out(), timed.out());
        assertTrue(timed.err().matches("timings:( JVM start \\(to 10 ms\\) [0-9.]+ ms,)? parse [0-9.]+ ms, check [0-9.]+ ms, output [0-9.]+ ms, total [0-9.]+ ms\\R"),
                timed.err());
        assertTrue(CliRunner.run("check", "--help").out().contains("--timings"));
    }

    @Test
    void timingsTakeTheLaunchersTimestamps() throws Exception {
        // dlmc run as the launcher runs it: DLM_LAUNCH_START and DLM_JAVA_START set, main() timed
        ProcessBuilder pb = new ProcessBuilder(java(), "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "check", TestFiles.example("figure_2_22.dlm").toString(), "--timings");
        double now = System.currentTimeMillis() / 1e3;
        pb.environment().put("DLM_LAUNCH_START", String.format(java.util.Locale.ROOT, "%.6f", now - 0.002));
        pb.environment().put("DLM_JAVA_START", String.format(java.util.Locale.ROOT, "%.6f", now));
        String err = run(pb, 0);
        assertTrue(err.matches("(?s).*timings: launcher [0-9.]+ ms, JVM start [0-9.]+ ms, parse [0-9.]+ ms, check [0-9.]+ ms, output [0-9.]+ ms, total [0-9.]+ ms\\R"), err);
    }

    @Test
    void frontEndCommandsRunWithoutTheVectorApiModule() throws Exception {
        // the launcher starts check, graph and grad without --add-modules jdk.incubator.vector
        List<Path> examples;
        try (Stream<Path> s = Files.list(TestFiles.examples())) {
            examples = s.filter(p -> p.toString().endsWith(".dlm")).sorted().toList();
        }
        assertTrue(examples.size() >= 5);
        for (Path e : examples) {
            for (List<String> cmd : List.of(List.of("check"), List.of("graph", "--stats"), List.of("graph", "--format", "dot"), List.of("grad"))) {
                List<String> c = new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path"), Main.class.getName()));
                c.addAll(cmd);
                c.add(e.toString());
                ProcessBuilder pb = new ProcessBuilder(c);
                String err = run(pb, -1);
                assertTrue(!err.contains("NoClassDefFoundError") && !err.contains("incubator") && !err.contains("internal error"), cmd + " " + e + ": " + err);
            }
        }
    }

    @Test
    void theAotTrainingRunRunsInBothModesAndPrintsNothing() throws IOException {
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, AotTraining.run(List.of("front", TestFiles.example("tensors.dlm").toString())));
            assertEquals(0, AotTraining.run(List.of("compute", TestFiles.example("figure_2_22.dlm").toString(), "no/such/file.dlm")));
            assertEquals(2, AotTraining.run(List.of("other")));
        } finally {
            System.setOut(stdout);
        }
        assertEquals("", captured.toString(StandardCharsets.UTF_8));
    }

    @Test
    void trainingGivesTheSameBitsWithAndWithoutTheWarmUp() throws IOException {
        String mnist = TestFiles.example("mnist.dlm").toString();
        String data = TestFiles.dataDir().toString();
        List<String> outs = new ArrayList<>();
        List<Map<String, Object>> checkpoints = new ArrayList<>();
        List<List<String>> figures = new ArrayList<>();
        for (String warm : List.of("false", "true")) {
            Path json = tmp.resolve("h-" + warm + ".json"), ckpt = tmp.resolve("c-" + warm + ".npz");
            String old = System.getProperty("dlm.warmup");
            System.setProperty("dlm.warmup", warm);
            CliRunner r;
            try {
                r = CliRunner.run("train", mnist, "--data", data, "--limit", "1500", "--epochs", "2", "--json", json.toString(), "--save", ckpt.toString());
            } finally {
                if (old == null) System.clearProperty("dlm.warmup"); else System.setProperty("dlm.warmup", old);
            }
            assertEquals(0, r.status(), r.err());
            outs.add(r.out().replaceAll("\\d+\\.\\ds \\d+ms/step", "T"));
            checkpoints.add(Npz.readValues(ckpt));
            figures.add(exactFigures(Files.readString(json)));
        }
        assertEquals(outs.get(0), outs.get(1));
        assertEquals(figures.get(0), figures.get(1), "losses and accuracies to the last digit");
        assertEquals(checkpoints.get(0).keySet(), checkpoints.get(1).keySet());
        for (String k : checkpoints.get(0).keySet()) {
            if (!(checkpoints.get(0).get(k) instanceof Tensor a)) {
                assertEquals(checkpoints.get(0).get(k), checkpoints.get(1).get(k), k); // the metadata
                continue;
            }
            Tensor b = (Tensor) checkpoints.get(1).get(k);
            assertEquals(a.dtype(), b.dtype(), k);
            assertArrayEquals(a.shape(), b.shape(), k);
            if (a.storage() instanceof float[] fa) assertArrayEquals(fa, (float[]) b.storage(), k);
            else assertEquals(a, b, k);
        }
    }

    /** Every loss and accuracy of a --json report, as printed (full precision). */
    private static List<String> exactFigures(String json) {
        List<String> l = new ArrayList<>();
        Matcher m = Pattern.compile("\"(loss|accuracy|test_loss|test_acc)\": ([-0-9.eE]+)").matcher(json);
        while (m.find()) l.add(m.group());
        assertTrue(l.size() >= 6, json);
        return l;
    }

    private static String java() { return Path.of(System.getProperty("java.home"), "bin", "java").toString(); }

    /** Runs a child process; checks its exit status (unless negative) and returns its stderr. */
    private String run(ProcessBuilder pb, int expectedStatus) throws IOException, InterruptedException {
        Path out = Files.createTempFile(tmp, "out", ".txt"), err = Files.createTempFile(tmp, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        String e = Files.readString(err, StandardCharsets.UTF_8);
        if (expectedStatus >= 0) assertEquals(expectedStatus, p.exitValue(), e);
        return e;
    }
}
