package dlm.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic replacement, and the clean-up of temporary files left by a killed save. */
class AtomicFilesTest {
    @TempDir
    Path tmp;

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private Path stale(String name) throws IOException {
        Path p = Files.write(tmp.resolve(name), new byte[1000]);
        Files.setLastModifiedTime(p, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        return p;
    }

    @Test
    void aSaveRemovesTheStaleTemporariesOfItsOwnTargetOnly() throws IOException {
        // what a save killed before its rename leaves behind
        stale(".ck.npz.0123456789abcdef.tmp");
        stale(".ck.npz.fedcba9876543210.tmp");
        // not ours: another target's temporary file, a user file that merely looks similar
        stale(".other.npz.0123456789abcdef.tmp");
        stale(".ck.npz.notahexnumber00.tmp");
        stale(".ck.npz.0123.tmp");
        AtomicFiles.write(tmp.resolve("ck.npz"), out -> out.write(new byte[] {1, 2, 3}));
        assertEquals(List.of(".ck.npz.0123.tmp", ".ck.npz.notahexnumber00.tmp", ".other.npz.0123456789abcdef.tmp", "ck.npz"), names());
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(tmp.resolve("ck.npz")));
    }

    @Test
    void aTemporaryFileALiveWriterHoldsIsLeftAlone() throws IOException {
        Path live = stale(".ck.npz.00000000000000aa.tmp");
        Path fresh = Files.write(tmp.resolve(".ck.npz.00000000000000bb.tmp"), new byte[10]); // just created: its writer may not hold the lock yet
        try (FileChannel ch = FileChannel.open(live, StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
            AtomicFiles.write(tmp.resolve("ck.npz"), out -> out.write(7));
            assertTrue(Files.exists(live), "a locked temporary file belongs to a writer still at work");
        }
        assertTrue(Files.exists(fresh));
        AtomicFiles.write(tmp.resolve("ck.npz"), out -> out.write(8));
        assertFalse(Files.exists(live), "once its writer is gone it is stale");
    }

    @Test
    void temporaryNamesAreRecognisedExactly() {
        assertTrue(AtomicFiles.isTemporaryOf(".a.npz.0123456789abcdef.tmp", "a.npz"));
        assertFalse(AtomicFiles.isTemporaryOf(".a.npz.0123456789ABCDEF.tmp", "a.npz"));
        assertFalse(AtomicFiles.isTemporaryOf(".a.npz.0123456789abcdef.tmp", "b.npz"));
        assertFalse(AtomicFiles.isTemporaryOf("a.npz.0123456789abcdef.tmp", "a.npz"));
        assertFalse(AtomicFiles.isTemporaryOf(".a.npz.0123456789abcdef0.tmp", "a.npz"));
    }
}
