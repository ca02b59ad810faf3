package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.TestFiles;
import dlm.compiler.diag.SourceReader;
import dlm.runtime.io.Checkpoint;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inputs that are not what they claim: sources that are not UTF-8 or not files, checkpoints with bad metadata. */
class InputErrorsCliTest {
    @TempDir
    Path tmp;

    private static void noCrash(CliRunner r) {
        assertFalse(r.err().contains("internal error") || r.err().contains("Exception"), r.err());
    }

    @Test
    void sourceThatIsNotUtf8IsLocatedAtItsFirstBadByte() throws IOException {
        Path f = tmp.resolve("latin1.dlm");
        byte[] text = "val a = 1\nval caf\u00e9 = 2\n".getBytes(StandardCharsets.ISO_8859_1); // é as the single byte 0xe9
        Files.write(f, text);
        CliRunner r = CliRunner.run("check", f.toString());
        assertEquals(1, r.status(), r.err());
        noCrash(r);
        assertTrue(r.err().startsWith(f + ":2:8: error: the file is not UTF-8 text: byte 0xe9 at offset 17 is not valid UTF-8"), r.err());
        assertTrue(r.err().contains("\n       ^"), "a caret under the byte: " + r.err());

        Path utf16 = tmp.resolve("utf16.dlm");
        Files.write(utf16, "\uFEFFval a = 1\n".getBytes(StandardCharsets.UTF_16LE));
        CliRunner u = CliRunner.run("run", utf16.toString());
        assertEquals(1, u.status(), u.err());
        assertTrue(u.err().startsWith(utf16 + ":1:1: error: the file is not UTF-8 text: byte 0xff"), u.err());
        assertTrue(u.err().contains("UTF-16"), u.err());

        Path bin = tmp.resolve("bin.dlm");
        Files.write(bin, new byte[] {'v', 'a', 'l', 0, (byte) 0x80, 1, 2});
        CliRunner b = CliRunner.run("check", bin.toString());
        assertEquals(1, b.status(), b.err());
        assertTrue(b.err().startsWith(bin + ":1:5: error: the file is not UTF-8 text: byte 0x80 at offset 4"), b.err());
        assertTrue(b.err().contains("binary"), b.err());
    }

    @Test
    void specialFilesFoldersAndHugeFilesAreNotRead() throws IOException {
        if (Files.exists(Path.of("/dev/zero"))) {
            CliRunner r = CliRunner.run("check", "/dev/zero");
            assertEquals(2, r.status(), r.err());
            assertEquals("dlmc: error: /dev/zero is not a regular file (a device, pipe or socket); give a .dlm file\n", r.err());
        }
        CliRunner d = CliRunner.run("check", tmp.toString());
        assertEquals(2, d.status(), d.err());
        assertTrue(d.err().contains(tmp + " is a folder, not a .dlm file"), d.err());

        Path big = tmp.resolve("big.dlm");
        try (RandomAccessFile raf = new RandomAccessFile(big.toFile(), "rw")) { raf.setLength(SourceReader.MAX_BYTES + 1L); } // sparse: no disk used
        CliRunner g = CliRunner.run("graph", big.toString());
        assertEquals(2, g.status(), g.err());
        assertTrue(g.err().contains(big + " is too large for a DLM source (" + (SourceReader.MAX_BYTES + 1L) + " bytes; the limit is " + SourceReader.MAX_BYTES + ")"), g.err());
    }

    /** A checkpoint of the mnist example whose metadata is replaced by {@code edit}. */
    private Path checkpointWith(String name, Map<String, String> edit) throws IOException {
        Path ck = tmp.resolve("base.npz");
        if (!Files.exists(ck)) {
            CliRunner r = CliRunner.run("train", TestFiles.example("mnist.dlm").toString(), "--data", TestFiles.dataDir().toString(),
                    "--limit", "128", "--batch-size", "128", "--save", ck.toString());
            assertEquals(0, r.status(), r.err());
        }
        Checkpoint c = Checkpoint.load(ck);
        Map<String, String> meta = new LinkedHashMap<>(c.metadata());
        meta.putAll(edit);
        Path out = tmp.resolve(name);
        new Checkpoint(c.params(), c.optimizerState(), meta).save(out);
        return out;
    }

    private CliRunner resume(Path ck) {
        return CliRunner.run("train", TestFiles.example("mnist.dlm").toString(), "--data", TestFiles.dataDir().toString(),
                "--limit", "128", "--batch-size", "128", "--resume", ck.toString());
    }

    @Test
    void checkpointMetadataIsValidatedNamingTheEntry() throws IOException {
        for (var c : Map.of(
                "abc.npz", Map.of(Checkpoint.EPOCH, "abc"),
                "negative.npz", Map.of(Checkpoint.EPOCH, "-3"),
                "huge.npz", Map.of(Checkpoint.EPOCH, "2147483647"),
                "step.npz", Map.of(Checkpoint.STEP, "1e3")).entrySet()) {
            Path ck = checkpointWith(c.getKey(), c.getValue());
            CliRunner r = resume(ck);
            assertEquals(2, r.status(), c + ": " + r.err() + r.out());
            noCrash(r);
            String key = c.getValue().keySet().iterator().next();
            assertTrue(r.err().startsWith("dlmc train: error: " + ck + " is not a valid checkpoint: metadata entry \"" + key + "\" must be"), r.err());
            assertFalse(r.out().contains("Epoch"), r.out());
        }
        // and a sound one resumes, counting on from its epoch
        CliRunner ok = resume(checkpointWith("ok.npz", Map.of(Checkpoint.EPOCH, "4")));
        assertEquals(0, ok.status(), ok.err());
        assertTrue(ok.out().startsWith("Epoch 5/"), ok.out());
    }
}
