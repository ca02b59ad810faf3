package dlm.runtime.data;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * Downloads one dataset file and verifies it before anyone can see it: the body goes to a
 * hidden temporary file in the target folder while its MD5 and SHA-256 are computed; only if
 * the size and both checksums match is it synced and renamed into place (an atomic rename in
 * the same folder, so a reader sees either no file or the whole verified one). On any failure the
 * temporary file is deleted, so an interrupted or corrupt download leaves nothing behind.
 * (A JVM killed mid-download can leave a {@code .*.part} file; it is never mistaken for data.)
 */
final class Downloader implements AutoCloseable {

    /** A failed download; the message is short (one reason), the caller adds what to do about it. */
    static final class Failure extends Exception {
        Failure(String message) {
            super(message);
        }

        Failure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final HttpClient client;
    private final Duration timeout;
    private final Progress progress;

    Downloader(Duration timeout, Progress progress) {
        this.timeout = timeout;
        this.progress = progress;
        // Redirect.NORMAL: mirrors (S3, GCS) may redirect; it never downgrades https to http.
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /**
     * Downloads {@code file} from {@code uri} into {@code dir} (created if needed) under its
     * official name.
     *
     * @param label how progress and messages name the file, e.g. {@code mnist/train-images-idx3-ubyte.gz}
     * @return the verified file
     */
    Path download(URI uri, DataFile file, Path dir, String label) throws Failure {
        HttpResponse<InputStream> response = send(uri);
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            if (status != 200) throw new Failure(uri + ": HTTP " + status + reason(status));
            OptionalLong announced = response.headers().firstValueAsLong("Content-Length");
            if (announced.isPresent() && file.sizeKnown() && announced.getAsLong() != file.size())
                throw new Failure(uri + ": the server announced " + announced.getAsLong() + " bytes, expected " + file.size()
                        + " (not the official file)");
            // Only now touch the disk, so a failed request leaves not even an empty folder behind.
            Path tmp = createTemp(dir, file);
            boolean done = false;
            try {
                progress.downloading(label, file.size(), uri);
                receive(uri, body, file, tmp, label);
                Path target = dir.resolve(file.fileName());
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                done = true;
                progress.downloaded(label);
                return target;
            } finally {
                if (!done) deleteQuietly(tmp);
            }
        } catch (IOException e) {
            // Only local I/O gets here: network errors become Failures where they happen.
            throw new Failure("cannot write to " + dir + ": " + describe(e), e);
        }
    }

    private static Path createTemp(Path dir, DataFile file) throws IOException {
        Files.createDirectories(dir);
        // Hidden and ending in .part: never mistaken for the file itself, even if the JVM dies.
        return Files.createTempFile(dir, "." + file.fileName() + ".", ".part");
    }

    private static void deleteQuietly(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
            // Nothing more we can do; the name ends in .part so it is never loaded.
        }
    }

    /**
     * Streams the body into {@code tmp}, checking its length and checksums, then syncs it.
     * Network errors become {@link Failure}s; an IOException thrown from here is a local write error.
     */
    private void receive(URI uri, InputStream body, DataFile file, Path tmp, String label) throws Failure, IOException {
        Checksums sums = new Checksums();
        long received = 0;
        byte[] buf = new byte[1 << 16];
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
             IdleWatchdog watchdog = new IdleWatchdog(timeout, body)) {
            while (true) {
                int n;
                try {
                    n = body.read(buf);
                } catch (IOException e) {
                    if (watchdog.fired()) break;   // we closed the stream ourselves: reported below
                    throw new Failure(uri + ": the connection broke after " + received + " of " + file.size() + " bytes ("
                            + describe(e) + ")", e);
                }
                if (n < 0) break;
                watchdog.touch();
                received += n;
                // Stop early rather than fill the disk with something that cannot be the file.
                if (received > limit(file))
                    throw new Failure(uri + ": the server sent more than the expected " + limit(file) + " bytes (not the official file)");
                sums.update(buf, 0, n);
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                while (bb.hasRemaining()) out.write(bb);
                progress.received(label, received, file.size());
            }
            if (file.sizeKnown() && received < file.size())
                throw new Failure(watchdog.fired()
                        ? uri + ": no data received for " + seconds(timeout) + " after " + received + " of " + file.size() + " bytes"
                        : uri + ": the connection closed after " + received + " of " + file.size() + " bytes");
            String mismatch = sums.mismatch(file);
            if (mismatch != null) throw new Failure(uri + ": corrupt download: " + mismatch);
            // Durable before it becomes visible: a crash must not leave a renamed but unwritten file.
            out.force(true);
        }
    }

    /** At most how many bytes to accept: the size, or for a file of unknown size a bound no such (small) file reaches. */
    private static long limit(DataFile file) {
        return file.sizeKnown() ? file.size() : UNKNOWN_SIZE_LIMIT;
    }

    /** A file of unknown size is small by design (DataFile); this only stops a wrong URL from filling the disk. */
    static final long UNKNOWN_SIZE_LIMIT = 64L << 20;

    private HttpResponse<InputStream> send(URI uri) throws Failure {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException e) {
            throw new Failure(uri + ": could not connect to " + hostPort(uri) + " within " + seconds(timeout) + " (no network?)", e);
        } catch (HttpTimeoutException e) {
            throw new Failure(uri + ": no response from " + hostPort(uri) + " within " + seconds(timeout), e);
        } catch (IOException e) {
            if (causedBy(e, UnresolvedAddressException.class) || causedBy(e, UnknownHostException.class))
                throw new Failure(uri + ": unknown host " + uri.getHost() + " (no network or no DNS?)", e);
            if (causedBy(e, ConnectException.class)) {
                // HttpClient reports a refused connection as a ConnectException without any message.
                String why = hasMessage(e) ? describe(e) : "connection refused";
                throw new Failure(uri + ": cannot connect to " + hostPort(uri) + " (" + why + "; no network?)", e);
            }
            throw new Failure(uri + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(uri + ": interrupted", e);
        }
    }

    @Override
    public void close() {
        // shutdownNow rather than close: close() waits for exchanges, which must not block an error path.
        client.shutdownNow();
    }

    // ---- messages ----------------------------------------------------------------------------

    private static String hostPort(URI uri) {
        return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static String reason(int status) {
        return switch (status) {
            case 403 -> " (forbidden)";
            case 404 -> " (not found)";
            case 410 -> " (gone)";
            case 429 -> " (too many requests)";
            case 500 -> " (server error)";
            case 502, 503, 504 -> " (server unavailable)";
            default -> "";
        };
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) if (type.isInstance(c)) return true;
        return false;
    }

    private static boolean hasMessage(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) if (c.getMessage() != null && !c.getMessage().isBlank()) return true;
        return false;
    }

    /** The most specific message in a cause chain; HttpClient often wraps the real reason message-less. */
    private static String describe(Throwable t) {
        String best = null;
        for (Throwable c = t; c != null; c = c.getCause())
            if (c.getMessage() != null && !c.getMessage().isBlank()) best = c.getMessage();
        return best != null ? best.strip() : t.getClass().getSimpleName();
    }

    /**
     * Closes the response body when no bytes arrive for {@code limit}: HttpClient's timeouts
     * stop at the response headers, and a mirror that stalls mid-body would otherwise hang
     * the program forever. Closing the stream makes the blocked read return.
     */
    private static final class IdleWatchdog implements AutoCloseable {
        private volatile long lastActivity = System.nanoTime();
        private volatile boolean fired;
        private final Thread thread;

        IdleWatchdog(Duration limit, Closeable target) {
            long limitNanos = limit.toNanos();
            thread = Thread.ofPlatform().daemon().name("dlm-download-watchdog").start(() -> {
                try {
                    while (true) {
                        long idle = System.nanoTime() - lastActivity;
                        if (idle >= limitNanos) {
                            fired = true;
                            try {
                                target.close();
                            } catch (IOException ignored) {
                                // The reader fails or sees the end either way.
                            }
                            return;
                        }
                        Thread.sleep(Duration.ofNanos(limitNanos - idle));
                    }
                } catch (InterruptedException e) {
                    // The download ended; stop watching.
                }
            });
        }

        void touch() {
            lastActivity = System.nanoTime();
        }

        boolean fired() {
            return fired;
        }

        @Override
        public void close() {
            thread.interrupt();
        }
    }
}
