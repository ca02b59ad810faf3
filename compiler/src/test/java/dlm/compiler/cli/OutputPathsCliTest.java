package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.TestFiles;
import dlm.runtime.Tensor;
import dlm.runtime.io.Checkpoint;
import dlm.runtime.io.Npz;
import dlm.runtime.train.EpochResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Output paths (train --save/--json, compile --out, show --out) are checked before any work: an
 * output may only replace a file of its own kind, and an unwritable path is a usage error that
 * names the path and the reason.
 */
class OutputPathsCliTest {
    @TempDir
    Path tmp;

    private Path program() throws IOException {
        return Files.copy(TestFiles.example("mnist.dlm"), tmp.resolve("p.dlm"));
    }

    private Path checkpoint(String name) throws IOException {
        Path p = tmp.resolve(name);
        new Checkpoint(Map.of("w", Tensor.zeros(dlm.runtime.DType.F32, 2)), Map.of(), Map.of(Checkpoint.EPOCH, "1")).save(p);
        return p;
    }

    private Path report(String name) throws IOException {
        Path p = tmp.resolve(name);
        JsonReport.write(p, List.of(new EpochResult(1, 0.5, List.of(0.9), 1.0)), List.of("accuracy"), new double[] {0.4, 0.91}, Map.of("threads", 1));
        return p;
    }

    /** Runs dlmc, expects a usage error mentioning {@code expected}, and that nothing was trained. */
    private static void refused(String expected, String... args) {
        CliRunner r = CliRunner.run(args);
        assertEquals(2, r.status(), r.out() + r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertFalse(r.out().contains("Epoch"), r.out());
        assertFalse(r.err().contains("internal error"), r.err());
    }

    @Test
    void anOutputNeverReplacesAFileOfAnotherKind() throws IOException {
        Path p = program();
        byte[] source = Files.readAllBytes(p);
        Path ck = checkpoint("ck.npz");
        byte[] ckBytes = Files.readAllBytes(ck);
        Path json = report("r.json");
        String data = TestFiles.dataDir().toString();

        refused("--save " + p + " exists and is not a DLM checkpoint", "train", p.toString(), "--data", data, "--save", p.toString());
        refused("--json " + ck + " exists and is not a JSON report", "train", p.toString(), "--data", data, "--json", ck.toString());
        refused("--save " + json + " exists and is not a DLM checkpoint", "train", p.toString(), "--data", data, "--save", json.toString());
        refused("--json " + p + " exists and is not a JSON report", "train", p.toString(), "--data", data, "--json", p.toString());
        // a NumPy archive that is not a DLM checkpoint is someone's data too
        Path plain = tmp.resolve("plain.npz");
        Npz.write(Map.of("x", Tensor.zeros(dlm.runtime.DType.F32, 3)), plain);
        refused("--save " + plain + " exists and is not a DLM checkpoint", "train", p.toString(), "--data", data, "--save", plain.toString());
        Path fresh = tmp.resolve("new.npz");
        refused("--save and --json name the same file", "train", p.toString(), "--data", data, "--save", fresh.toString(), "--json", fresh.toString());
        refused("--out " + p + " is an existing file, not a folder", "compile", p.toString(), "--out", p.toString());
        refused("--out " + p + " exists and is not a PNG image", "show", "mnist", "--data", data, "--out", p.toString());
        refused("is not a regular file", "show", "mnist", "--data", data, "--out", "/dev/null");

        assertArrayEquals(source, Files.readAllBytes(p), "the program is untouched");
        assertArrayEquals(ckBytes, Files.readAllBytes(ck), "the checkpoint is untouched");
        assertFalse(Files.exists(fresh));
    }

    @Test
    void anOutputMayReplaceAFileOfItsOwnKind() throws IOException {
        Path ck = checkpoint("ck.npz"), json = report("r.json");
        assertDoesNotThrow(() -> OutputPaths.file("--save", ck.toString(), OutputPaths.Kind.CHECKPOINT));
        assertDoesNotThrow(() -> OutputPaths.file("--json", json.toString(), OutputPaths.Kind.JSON_REPORT));
        assertDoesNotThrow(() -> OutputPaths.file("--save", tmp.resolve("new.npz").toString(), OutputPaths.Kind.CHECKPOINT));

        // end to end: a second run replaces both outputs of the first
        Path p = program();
        String data = TestFiles.dataDir().toString();
        for (int run = 0; run < 2; run++) {
            CliRunner r = CliRunner.run("train", p.toString(), "--data", data, "--limit", "256", "--batch-size", "128",
                    "--save", ck.toString(), "--json", json.toString());
            assertEquals(0, r.status(), r.err());
        }
        assertTrue(Checkpoint.load(ck).params().containsKey("hidden.W"));
        assertTrue(Files.readString(json).contains("\"test_acc\""));
        // compile --out: a new folder, then the same folder again (its class files are replaced)
        Path out = tmp.resolve("classes/sub");
        for (int run = 0; run < 2; run++) assertEquals(0, CliRunner.run("compile", p.toString(), "--out", out.toString()).status());
        // a file where compile would write one of its classes, but not a class file: refused, nothing written
        Path someClass;
        try (var s = Files.list(out)) { someClass = s.filter(f -> f.toString().endsWith(".class")).findFirst().orElseThrow(); }
        Files.writeString(someClass, "notes");
        refused("exists and is not a JVM class file", "compile", p.toString(), "--out", out.toString());
        assertEquals("notes", Files.readString(someClass));
    }

    @Test
    void unwritableOutputPathsAreFoundBeforeAnyWorkAndNamed() throws IOException {
        Path p = program();
        // --data that does not exist: were the paths checked after loading, the error would be about the data
        String noData = tmp.resolve("no-data").toString();
        refused("--save needs a path, got an empty one", "train", p.toString(), "--data", noData, "--save", "");
        refused("--json needs a path, got an empty one", "train", p.toString(), "--data", noData, "--json", "");
        Path missing = tmp.resolve("missing/ck.npz");
        refused("--save " + missing + ": folder " + missing.getParent() + " does not exist", "train", p.toString(), "--data", noData, "--save", missing.toString());
        refused("--save " + tmp + " is a folder", "train", p.toString(), "--data", noData, "--save", tmp.toString());
        Path underFile = p.resolve("r.json");
        refused("--json " + underFile + ": " + p + " is not a folder", "train", p.toString(), "--data", noData, "--json", underFile.toString());
        refused("--out " + underFile.resolve("x") + ": " + p + " is not a folder", "compile", p.toString(), "--out", underFile.resolve("x").toString());
        // a folder no file can be created in (permissions do not stop root, so use a read-only file system)
        Path readOnly = Path.of("/proc/dlm-test.npz");
        if (Files.isDirectory(readOnly.getParent()))
            refused("--save " + readOnly + ": cannot write in folder /proc", "train", p.toString(), "--data", noData, "--save", readOnly.toString());
        Path locked = Files.createDirectory(tmp.resolve("locked"));
        if (locked.toFile().setWritable(false, false) && !"root".equals(System.getProperty("user.name")))
            refused("cannot write in folder " + locked, "train", p.toString(), "--data", noData, "--save", locked.resolve("ck.npz").toString());
        locked.toFile().setWritable(true, false);
        // even a program that does not check: the command line is looked at first
        Path bad = Files.writeString(tmp.resolve("bad.dlm"), "model (");
        refused("--save " + tmp + " is a folder", "train", bad.toString(), "--save", tmp.toString());
    }
}
