package dlm.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.cli.Dlmc;
import dlm.runtime.io.UriFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints on a Hadoop file system URI ({@link HadoopFiles}, found by {@code dlmc train} through
 * {@link UriFiles}): {@code --save file:///…} writes the bytes {@code --save PATH} writes,
 * {@code --resume file:/…} continues as from the path, and the path checks apply to URIs too.
 */
class UriCheckpointTest {
    @TempDir
    Path tmp;

    @Test
    void hadoopFilesCopiesAndReplacesFilesAndTellsFoldersFromFiles() throws IOException {
        HadoopFiles fs = new HadoopFiles();
        Path local = Files.writeString(tmp.resolve("a.bin"), "first");
        java.net.URI target = tmp.resolve("b.bin").toUri();
        assertEquals(UriFiles.Kind.MISSING, fs.kind(target));
        fs.upload(local, target);
        assertEquals(UriFiles.Kind.FILE, fs.kind(target));
        Files.writeString(local, "second, longer");
        fs.upload(local, target);
        assertEquals("second, longer", Files.readString(tmp.resolve("b.bin")));
        Path back = tmp.resolve("c.bin");
        fs.download(java.net.URI.create("file:" + tmp.resolve("b.bin")), back);
        assertEquals("second, longer", Files.readString(back));
        assertEquals(UriFiles.Kind.FOLDER, fs.kind(tmp.toUri()));
        assertThrows(IOException.class, () -> fs.kind(tmp.resolve("missing/x.npz").toUri()));
        try (var files = Files.list(tmp)) {
            assertFalse(files.anyMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
    }

    @Test
    void trainSavesAndResumesOnFileUrisAsOnPaths() throws IOException {
        Path dlm = program();
        Path plain = tmp.resolve("plain.npz"), resumed = tmp.resolve("resumed.npz");
        assertEquals(0, run("train", dlm.toString(), "--epochs", "2", "--save", plain.toString()).status, "local save");
        String uri = "file://" + tmp.resolve("uri.npz");
        assertEquals(0, run("train", dlm.toString(), "--epochs", "2", "--save", uri).status, "URI save");
        assertArrayEquals(Files.readAllBytes(plain), Files.readAllBytes(tmp.resolve("uri.npz")), "file:/// checkpoint = path checkpoint");
        // three epochs in one run, and two then one more resumed from the URI (file:/…, one slash): the same bytes
        Path three = tmp.resolve("three.npz");
        assertEquals(0, run("train", dlm.toString(), "--epochs", "3", "--save", three.toString()).status);
        assertEquals(0,  run("train", dlm.toString(), "--epochs", "1", "--resume", "file:" + tmp.resolve("uri.npz"), "--save", resumed.toString()).status, "URI resume");
        assertArrayEquals(Files.readAllBytes(three), Files.readAllBytes(resumed), "resumed from a URI = uninterrupted");
    }

    @Test
    void uriMistakesAreUsageErrors() throws IOException {
        Path dlm = program();
        Files.writeString(tmp.resolve("notes.txt"), "not a checkpoint");
        Result r = run("train", dlm.toString(), "--save", "file://" + tmp.resolve("notes.txt"));
        assertEquals(2, r.status, r.err);
        assertTrue(r.err.contains("--save file://" + tmp.resolve("notes.txt") + " exists and is not a DLM checkpoint (.npz written by dlmc train --save); refusing to overwrite it"), r.err);
        r = run("train", dlm.toString(), "--save", "file://" + tmp);
        assertEquals(2, r.status, r.err);
        assertTrue(r.err.contains("--save file://" + tmp + " is a folder; give a file path"), r.err);
        r = run("train", dlm.toString(), "--resume", "file://" + tmp.resolve("none.npz"));
        assertEquals(2, r.status, r.err);
        assertTrue(r.err.contains("no such checkpoint: file://" + tmp.resolve("none.npz")), r.err);
    }

    private Path program() throws IOException {
        StringBuilder csv = new StringBuilder("a,b,y\n");
        for (int i = 0; i < 40; i++) csv.append(i % 7).append(',').append(i % 5).append(',').append(2 * (i % 7) - (i % 5)).append('\n');
        Files.writeString(tmp.resolve("t.csv"), csv);
        return Files.writeString(tmp.resolve("r.dlm"), """
                import std.nn.*
                model Reg(x: f32[batch, 2]) { return dense(x, units = 1) }
                train(Reg) {
                    data = csv("t.csv", target = "y")
                    loss = ::meanSquaredError
                    optimizer = adam(learningRate = 1e-2)
                    batchSize = 8
                }
                """);
    }

    record Result(int status, String out, String err) {}

    private static Result run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int status = new Dlmc(new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8)).run(args);
        return new Result(status, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }
}
