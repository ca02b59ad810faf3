package dlm.runtime.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file all at once: readers (and a crash at any moment) see either the complete old
 * file or the complete new one, never a half-written checkpoint.
 *
 * <p>The content goes to a temporary file next to the target (same directory, hence the same
 * file system, which an atomic rename needs), is forced to disk, and is then renamed over the
 * target. If writing fails in any way the temporary file is deleted and the target is untouched.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Produces the file's content. It must not rely on closing the stream: closing is ignored. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Atomically replaces (or creates) {@code target} with what {@code content} writes. Temporary
     * files of earlier writes to the same target that were killed before they finished are
     * deleted first (see {@link #removeStaleTemporaries}).
     */
    public static void write(Path target, Content content) throws IOException {
        Path file = target.toAbsolutePath();
        Path dir = file.getParent();
        removeStaleTemporaries(dir, file.getFileName().toString());
        Temp created = createTemp(dir, file.getFileName().toString());
        Path temp = created.path();
        boolean moved = false;
        try {
            // The temporary file stays locked until it has been renamed: that lock is how a later
            // write tells a live writer's temporary file from one a killed process left behind.
            try (FileChannel channel = created.channel(); FileLock lock = channel.lock()) {
                BufferedOutputStream buffered = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                // The content may close its stream (ZipOutputStream.close does); that must not
                // close the channel before it is forced to disk.
                content.writeTo(new FilterOutputStream(buffered) {
                    @Override public void write(byte[] b, int off, int len) throws IOException { out.write(b, off, len); }
                    @Override public void close() throws IOException { out.flush(); }
                });
                buffered.flush();
                channel.force(true); // the data must be durable before the rename makes it visible
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                moved = true;
            }
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // The original failure matters more than a leftover temporary file.
                }
            }
        }
        syncDirectory(dir);
    }

    private record Temp(Path path, FileChannel channel) {}

    /**
     * A temporary file modified this recently is never treated as stale: it may belong to a
     * writer that has created it and not yet taken its lock.
     */
    static final long STALE_AFTER_MILLIS = 2_000;

    /** The names of this class's temporary files for a target named {@code name}: {@code .name.<16 hex digits>.tmp}. */
    static boolean isTemporaryOf(String candidate, String name) {
        String prefix = "." + name + ".";
        if (!candidate.startsWith(prefix) || !candidate.endsWith(".tmp")) return false;
        String hex = candidate.substring(prefix.length(), candidate.length() - ".tmp".length());
        return hex.length() == 16 && hex.chars().allMatch(ch -> (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'));
    }

    /**
     * Deletes the temporary files {@code .name.<hex>.tmp} in {@code dir} that no live writer
     * holds: a save killed between creating its temporary file and renaming it leaves one behind.
     * A writer locks its temporary file until the rename, so a file that can be locked here is
     * stale; one that is locked (by another process, or by this one), or was modified in the last
     * {@value #STALE_AFTER_MILLIS} ms, is left alone. Best effort:
     * a file that cannot be inspected or deleted is left as it is.
     */
    public static void removeStaleTemporaries(Path dir, String name) {
        List<Path> candidates = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, p -> isTemporaryOf(p.getFileName().toString(), name))) {
            entries.forEach(candidates::add);
        } catch (IOException | UncheckedIOException e) {
            return;
        }
        for (Path temp : candidates) {
            try {
                if (!Files.isRegularFile(temp, LinkOption.NOFOLLOW_LINKS)) continue;
                FileTime modified = Files.getLastModifiedTime(temp, LinkOption.NOFOLLOW_LINKS);
                if (System.currentTimeMillis() - modified.toMillis() < STALE_AFTER_MILLIS) continue;
            } catch (IOException e) {
                continue;
            }
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE); FileLock lock = ch.tryLock()) {
                if (lock != null) Files.deleteIfExists(temp);
            } catch (IOException | OverlappingFileLockException e) {
                // in use (a writer in this JVM holds it), or not ours to touch
            }
        }
    }

    /**
     * A new empty file {@code .name.<random>.tmp}. Not {@link Files#createTempFile}: that makes
     * the file owner-only (0600), and after the rename the checkpoint would keep those permissions
     * instead of the umask's, unlike any other file the user writes. Returned open, for writing.
     */
    private static Temp createTemp(Path dir, String name) throws IOException {
        for (int attempt = 0; ; attempt++) {
            String suffix = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
            Path temp = dir.resolve("." + name + "." + suffix + ".tmp");
            try {
                return new Temp(temp, FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 100) throw e;
            }
        }
    }

    /**
     * Makes the rename itself durable by syncing the directory entry (POSIX needs this; a crash
     * right after the rename could otherwise bring back the old file). Best effort: some
     * platforms (Windows) cannot open a directory, and the file's own data is already on disk.
     */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not supported here; nothing more we can do
        }
    }
}
