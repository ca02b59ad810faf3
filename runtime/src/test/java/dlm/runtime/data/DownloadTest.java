package dlm.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downloads against a real HTTP server on the loopback interface, serving the real MNIST files
 * (and broken variants of them): what is fetched, from where, how it is verified, and that a
 * failure leaves nothing behind.
 */
class DownloadTest {

    private static final DatasetSpec MNIST = DatasetSpec.MNIST;
    private static final String IMAGES = "train-images-idx3-ubyte.gz";
    private static final long IMAGES_SIZE = MNIST.trainImages().size();

    /** The real MNIST files by name, read once. */
    private static final Map<String, byte[]> REAL = new HashMap<>();

    @TempDir
    Path tmp;

    private HttpServer server;
    private ExecutorService executor;
    private String base;
    /** Per path: how the server answers (default: the real file under /mnist/, else 404). */
    private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    /** Released at the end of each test, so a stalling handler never outlives it. */
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<String> progress = Collections.synchronizedList(new ArrayList<>());

    @FunctionalInterface
    private interface Handler {
        void handle(HttpExchange exchange) throws IOException, InterruptedException;
    }

    @BeforeAll
    static void readRealFiles() throws IOException {
        for (DataFile f : MNIST.files()) REAL.put(f.fileName(), Files.readAllBytes(SharedData.file(MNIST, f)));
    }

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            try (exchange) {
                Handler h = handlers.get(path);
                if (h != null) h.handle(exchange);
                else if (path.startsWith("/mnist/") && REAL.containsKey(path.substring(7))) send(exchange, REAL.get(path.substring(7)));
                else exchange.sendResponseHeaders(404, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
        assertTrue(executor.awaitTermination(5, TimeUnit.SECONDS));
    }

    private static void send(HttpExchange exchange, byte[] body) throws IOException {
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
    }

    private Path home() {
        return tmp.resolve("home");
    }

    private Path cache() {
        return home().resolve(".dlm/datasets/mnist");
    }

    /** Downloads through the test server (a mirror: files under /mnist/), recording progress. */
    private DatasetOptions options() {
        Progress p = new Progress() {
            @Override
            public void downloading(String label, long bytes, URI from) {
                progress.add("downloading " + label + " " + bytes + " " + from);
            }

            @Override
            public void downloaded(String label) {
                progress.add("downloaded " + label);
            }
        };
        return SharedData.isolated(home()).withMirror(base).withProgress(p);
    }

    private int requestsFor(String file) {
        AtomicInteger n = requests.get("/mnist/" + file);
        return n == null ? 0 : n.get();
    }

    private DatasetException downloadFails(DatasetOptions o) {
        return assertThrows(DatasetException.class, () -> Datasets.locate(MNIST, o));
    }

    private void assertNothingLeft() {
        assertEquals(List.of(), SharedData.list(cache()), "files left in " + cache());
    }

    // ---- success ----------------------------------------------------------------------------

    @Test
    void downloadsVerifiesAndLoadsTheRealFiles() throws IOException {
        Dataset d = Datasets.load("mnist", options());
        assertEquals(5, d.trainLabels().getLong(0));
        assertArrayEquals(new int[] {60000, 28, 28}, d.trainImages().shape());

        // exactly the four files, byte for byte, and no temporary file
        assertEquals(MNIST.files().stream().map(DataFile::fileName).sorted().toList(), SharedData.list(cache()));
        for (DataFile f : MNIST.files()) assertArrayEquals(REAL.get(f.fileName()), Files.readAllBytes(cache().resolve(f.fileName())));
        assertEquals(List.of(
                "downloading mnist/train-images-idx3-ubyte.gz 9912422 " + base + "mnist/train-images-idx3-ubyte.gz",
                "downloaded mnist/train-images-idx3-ubyte.gz",
                "downloading mnist/train-labels-idx1-ubyte.gz 28881 " + base + "mnist/train-labels-idx1-ubyte.gz",
                "downloaded mnist/train-labels-idx1-ubyte.gz",
                "downloading mnist/t10k-images-idx3-ubyte.gz 1648877 " + base + "mnist/t10k-images-idx3-ubyte.gz",
                "downloaded mnist/t10k-images-idx3-ubyte.gz",
                "downloading mnist/t10k-labels-idx1-ubyte.gz 4542 " + base + "mnist/t10k-labels-idx1-ubyte.gz",
                "downloaded mnist/t10k-labels-idx1-ubyte.gz"), progress);

        // the second time the cache is used, without a request
        assertEquals(cache(), Datasets.locate(MNIST, options()));
        for (DataFile f : MNIST.files()) assertEquals(1, requestsFor(f.fileName()), f.fileName());
    }

    @Test
    void theMirrorMayComeFromTheEnvironment() {
        DatasetOptions o = options().withMirror(null).withEnv(Map.of("DLM_DATA_MIRROR", base.substring(0, base.length() - 1)));
        assertEquals(cache(), Datasets.locate(MNIST, o));
        assertEquals(1, requestsFor(IMAGES));
    }

    @Test
    void completesAnInterruptedSetOfDownloads() throws IOException {
        Files.createDirectories(cache());
        Files.write(cache().resolve(IMAGES), REAL.get(IMAGES));
        Files.write(cache().resolve("t10k-labels-idx1-ubyte.gz"), REAL.get("t10k-labels-idx1-ubyte.gz"));
        assertEquals(cache(), Datasets.locate(MNIST, options()));
        assertEquals(0, requestsFor(IMAGES));
        assertEquals(0, requestsFor("t10k-labels-idx1-ubyte.gz"));
        assertEquals(1, requestsFor("train-labels-idx1-ubyte.gz"));
        assertEquals(1, requestsFor("t10k-images-idx3-ubyte.gz"));
    }

    @Test
    void fallsBackToTheNextOfficialMirror() {
        // A spec whose first official mirror has lost the files: the second one serves them.
        DatasetSpec spec = new DatasetSpec("mnist", List.of(base + "gone/", base + "mnist/"),
                MNIST.trainImages(), MNIST.trainLabels(), MNIST.testImages(), MNIST.testLabels());
        assertEquals(cache(), Datasets.locate(spec, options().withMirror(null)));
        assertEquals(1, requests.get("/gone/" + IMAGES).get());
        assertEquals(1, requestsFor(IMAGES));
        assertEquals(4, SharedData.list(cache()).size());
    }

    // ---- failures leave nothing behind -------------------------------------------------------

    @Test
    void aCorruptCopyIsRejectedAndDeleted() {
        byte[] corrupt = REAL.get(IMAGES).clone();
        corrupt[corrupt.length / 2] ^= 0x01;
        handlers.put("/mnist/" + IMAGES, ex -> send(ex, corrupt));
        DatasetException e = downloadFails(options());
        String first = e.getMessage().lines().limit(2).reduce((a, b) -> a + "\n" + b).orElseThrow();
        assertTrue(first.startsWith("cannot download mnist/train-images-idx3-ubyte.gz:\n  " + base
                + "mnist/train-images-idx3-ubyte.gz: corrupt download: MD5 mismatch: expected f68b3c2dcbeaaa9fbdd348bbdeb94873, found "), first);
        assertTrue(e.getMessage().contains("Put the 4 files of mnist:"), e.getMessage());
        assertNothingLeft();
    }

    @Test
    void aConnectionCutHalfwayIsAnErrorAndLeavesNoPartialFile() {
        byte[] real = REAL.get(IMAGES);
        handlers.put("/mnist/" + IMAGES, ex -> {
            // Announce the whole file, send half, then drop the connection.
            ex.sendResponseHeaders(200, real.length);
            OutputStream out = ex.getResponseBody();
            out.write(real, 0, real.length / 2);
            out.flush();
            out.close();   // throws "insufficient bytes written" and closes the connection
        });
        DatasetException e = downloadFails(options());
        assertTrue(e.getMessage().startsWith("cannot download mnist/train-images-idx3-ubyte.gz:\n  " + base
                + "mnist/train-images-idx3-ubyte.gz: the connection "), e.getMessage());
        assertTrue(e.getMessage().contains(" of 9912422 bytes"), e.getMessage());
        assertNothingLeft();
    }

    @Test
    void aShortBodyWithoutContentLengthIsAnError() {
        byte[] real = REAL.get(IMAGES);
        handlers.put("/mnist/" + IMAGES, ex -> {
            ex.sendResponseHeaders(200, 0);   // chunked: the server ends the body cleanly, but early
            ex.getResponseBody().write(real, 0, real.length / 2);
        });
        DatasetException e = downloadFails(options());
        assertEquals("  " + base + "mnist/train-images-idx3-ubyte.gz: the connection closed after 4956211 of 9912422 bytes",
                e.getMessage().lines().skip(1).findFirst().orElseThrow());
        assertNothingLeft();
    }

    @Test
    void aStalledDownloadTimesOut() {
        byte[] real = REAL.get(IMAGES);
        handlers.put("/mnist/" + IMAGES, ex -> {
            ex.sendResponseHeaders(200, real.length);
            ex.getResponseBody().write(real, 0, 1000);
            ex.getResponseBody().flush();
            release.await();   // stall until the test is over
        });
        long t0 = System.nanoTime();
        DatasetException e = downloadFails(options().withTimeout(Duration.ofMillis(300)));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals("  " + base + "mnist/train-images-idx3-ubyte.gz: no data received for 300 ms after 1000 of 9912422 bytes",
                e.getMessage().lines().skip(1).findFirst().orElseThrow());
        assertTrue(ms < 3000, ms + " ms");
        assertNothingLeft();
    }

    @Test
    void aWrongContentLengthIsRejectedBeforeDownloading() {
        handlers.put("/mnist/" + IMAGES, ex -> send(ex, new byte[123]));
        DatasetException e = downloadFails(options());
        assertEquals("  " + base + "mnist/train-images-idx3-ubyte.gz: the server announced 123 bytes, expected 9912422 (not the official file)",
                e.getMessage().lines().skip(1).findFirst().orElseThrow());
        assertFalse(Files.exists(cache()), "a refused download creates no folder");
    }

    @Test
    void notFound() {
        DatasetException e = downloadFails(options().withMirror(base + "elsewhere"));
        assertEquals("cannot download mnist/train-images-idx3-ubyte.gz:\n"
                + "  " + base + "elsewhere/mnist/train-images-idx3-ubyte.gz: HTTP 404 (not found)\n"
                + "Put the 4 files of mnist:", e.getMessage().lines().limit(3).reduce((a, b) -> a + "\n" + b).orElseThrow());
        assertFalse(Files.exists(cache()));
    }

    @Test
    void withoutNetworkTheMessageSaysWhereToPutTheFiles() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Path data = tmp.resolve("data");
        Files.createDirectories(data);
        String mirror = "http://127.0.0.1:" + closedPort + "/";
        DatasetOptions o = options().withMirror(null).withDataDir(data)
                .withEnv(Map.of("DLM_DATA_MIRROR", mirror, "DLM_DATA", tmp.resolve("env").toString()));
        String m = downloadFails(o).getMessage();
        List<String> lines = m.lines().toList();
        assertEquals("cannot download mnist/train-images-idx3-ubyte.gz:", lines.get(0));
        assertEquals("  " + mirror + "mnist/train-images-idx3-ubyte.gz: cannot connect to 127.0.0.1:" + closedPort
                + " (connection refused; no network?)", lines.get(1));
        for (DataFile f : MNIST.files()) assertTrue(lines.contains("  " + f.fileName()), m);
        for (Path folder : List.of(data.resolve("mnist"), data, tmp.resolve("env/mnist"), cache()))
            assertTrue(m.contains("  " + folder + " "), folder + " in\n" + m);
        assertTrue(m.endsWith("or pass --data DIR (with the files in DIR/mnist/ or in DIR itself), or set DLM_DATA to a folder holding mnist/."), m);
        assertFalse(Files.exists(cache()));
    }

    @Test
    void aMirrorThatIsNotAnHttpUrlIsReported() {
        DatasetException e = downloadFails(options().withMirror("ftp://example.org/data"));
        assertEquals("  ftp://example.org/data/mnist/: not an http(s) URL (check DLM_DATA_MIRROR)",
                e.getMessage().lines().skip(1).findFirst().orElseThrow());
    }

    @Test
    void downloadsAreOffOnRequest() {
        DatasetException e = downloadFails(options().withDownload(false));
        assertTrue(e.getMessage().startsWith("mnist not found (downloads are off).\nPut the 4 files of mnist:"), e.getMessage());
        assertTrue(requests.isEmpty());
    }

    @Test
    void stderrProgressNamesTheFileAndItsSize() {
        PrintStream saved = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            Progress.stderr().downloading("mnist/train-images-idx3-ubyte.gz", 9912422, URI.create("https://storage.googleapis.com/x"));
        } finally {
            System.setErr(saved);
        }
        assertEquals("downloading mnist/train-images-idx3-ubyte.gz (9.9 MB) from storage.googleapis.com…\n", buf.toString(StandardCharsets.UTF_8));
    }
}
