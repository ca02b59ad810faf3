package dlm.runtime.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
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

    /** Atomically replaces (or creates) {@code target} with what {@code content} writes. */
    public static void write(Path target, Content content) throws IOException {
        Path file = target.toAbsolutePath();
        Path dir = file.getParent();
        Path temp = createTemp(dir, file.getFileName().toString());
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                BufferedOutputStream buffered = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                // The content may close its stream (ZipOutputStream.close does); that must not
                // close the channel before it is forced to disk.
                content.writeTo(new FilterOutputStream(buffered) {
                    @Override public void write(byte[] b, int off, int len) throws IOException { out.write(b, off, len); }
                    @Override public void close() throws IOException { out.flush(); }
                });
                buffered.flush();
                channel.force(true); // the data must be durable before the rename makes it visible
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
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

    /**
     * A new empty file {@code .name.<random>.tmp}. Not {@link Files#createTempFile}: that makes
     * the file owner-only (0600), and after the rename the checkpoint would keep those permissions
     * instead of the umask's, unlike any other file the user writes.
     */
    private static Path createTemp(Path dir, String name) throws IOException {
        for (int attempt = 0; ; attempt++) {
            String suffix = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
            Path temp = dir.resolve("." + name + "." + suffix + ".tmp");
            try {
                Files.newByteChannel(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return temp;
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
