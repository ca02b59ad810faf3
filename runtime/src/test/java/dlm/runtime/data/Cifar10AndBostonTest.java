package dlm.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cifar10 and boston-housing through a real HTTP server on the loopback interface, serving small
 * generated archives whose checksums are injected into a copy of the real spec (the real files,
 * 170 MB and one not reachable offline, are never needed): download, verification, extraction,
 * the exact values decoded, and a clear error for every broken file.
 */
class Cifar10AndBostonTest {

    @TempDir
    Path tmp;

    private HttpServer server;
    private ExecutorService executor;
    private String base;
    /** What the server serves, by path, and how often each path was asked for. */
    private final Map<String, byte[]> served = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            try (exchange) {
                byte[] body = served.get(path);
                if (body == null) exchange.sendResponseHeaders(404, -1);
                else {
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                }
            }
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
        executor.shutdownNow();
    }

    private Path home() {
        return tmp.resolve("home");
    }

    private DatasetOptions options() {
        return SharedData.isolated(home()).withMirror(base);
    }

    private int requests(String path) {
        AtomicInteger n = requests.get(path);
        return n == null ? 0 : n.get();
    }

    // ---- generated CIFAR-10 archives -------------------------------------------------------

    /** Record r of a generated batch: its label and the byte at planar offset k of channel ch. */
    private static int label(int batch, int r) {
        return (batch * 3 + r * 7) % 10;
    }

    private static int planar(int batch, int r, int ch, int k) {
        return (k * 7 + ch * 85 + r * 13 + batch * 29) & 0xFF;
    }

    private static byte[] batch(int batch, int records) {
        byte[] b = new byte[records * Cifar10.RECORD];
        for (int r = 0; r < records; r++) {
            b[r * Cifar10.RECORD] = (byte) label(batch, r);
            for (int ch = 0; ch < 3; ch++)
                for (int k = 0; k < 1024; k++) b[r * Cifar10.RECORD + 1 + ch * 1024 + k] = (byte) planar(batch, r, ch, k);
        }
        return b;
    }

    /** Batches 1–5 of 2 records each, a test batch (batch 6) of 3, and the archive's other files. */
    private static Map<String, byte[]> cifarEntries() {
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("cifar-10-batches-bin/", null);
        e.put("cifar-10-batches-bin/batches.meta.txt", String.join("\n", Cifar10.CLASSES).getBytes(StandardCharsets.US_ASCII));
        for (int b = 1; b <= 5; b++) e.put("cifar-10-batches-bin/data_batch_" + b + ".bin", batch(b, 2));
        e.put("cifar-10-batches-bin/test_batch.bin", batch(6, 3));
        e.put("cifar-10-batches-bin/readme.html", "<html></html>".getBytes(StandardCharsets.US_ASCII));
        return e;
    }

    /** A ustar archive, gzipped: a null content is a folder. */
    static byte[] tarGz(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            for (var e : entries.entrySet()) {
                byte[] body = e.getValue() == null ? new byte[0] : e.getValue();
                byte[] h = new byte[512];
                put(h, 0, e.getKey());
                put(h, 100, "0000644");
                put(h, 108, "0001750");
                put(h, 116, "0001750");
                put(h, 124, String.format("%011o", body.length));
                put(h, 136, "14717134231");
                h[156] = (byte) (e.getValue() == null ? '5' : '0');
                put(h, 257, "ustar");
                put(h, 263, "00");
                Arrays.fill(h, 148, 156, (byte) ' ');
                long sum = 0;
                for (byte x : h) sum += x & 0xFF;
                put(h, 148, String.format("%06o", sum));
                h[154] = 0;
                gz.write(h);
                gz.write(body);
                gz.write(new byte[(512 - body.length % 512) % 512]);
            }
            gz.write(new byte[1024]);   // the end-of-archive marker
        }
        return out.toByteArray();
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
    }

    private static String hex(String algorithm, byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** The real CIFAR-10 spec with this archive's size and MD5 (as the real one has only the official MD5). */
    private DatasetSpec cifarSpec(byte[] archive, List<String> mirrors) {
        DataFile real = DatasetSpec.CIFAR10.files().get(0);
        return new DatasetSpec("cifar10", mirrors, List.of(new DataFile(real.fileName(), archive.length, hex("MD5", archive), null, real.contents())),
                DatasetSpec.Format.CIFAR10_BINARY);
    }

    private Path cifarCache() {
        return home().resolve(".dlm/datasets/cifar10");
    }

    @Test
    void cifar10IsDownloadedVerifiedExtractedAndDecodedChannelsLast() throws IOException {
        byte[] archive = tarGz(cifarEntries());
        served.put("/cifar10/cifar-10-binary.tar.gz", archive);
        Dataset d = Datasets.load(cifarSpec(archive, DatasetSpec.CIFAR10.defaultMirrors()), options());

        assertEquals(DType.U8, d.trainImages().dtype());
        assertArrayEquals(new int[] {10, 32, 32, 3}, d.trainImages().shape());
        assertArrayEquals(new int[] {10}, d.trainLabels().shape());
        assertArrayEquals(new int[] {3, 32, 32, 3}, d.testImages().shape());
        assertArrayEquals(new int[] {3}, d.testLabels().shape());
        // every pixel: train sample i is record i % 2 of data_batch_(i / 2 + 1), in order
        for (int i = 0; i < 10; i++) assertRecord(d.trainImages(), d.trainLabels(), i, i / 2 + 1, i % 2);
        for (int i = 0; i < 3; i++) assertRecord(d.testImages(), d.testLabels(), i, 6, i);
        // a hand-checked pixel: test image 2, row 1, column 3, green = planar offset 1 * 32 + 3 = 35 of channel 1
        assertEquals((35 * 7 + 85 + 2 * 13 + 6 * 29) & 0xFF, d.testImages().getDouble(((2 * 32 + 1) * 32 + 3) * 3 + 1));

        // extracted once, atomically: the batch files only, no temporary folder left
        assertEquals(List.of("cifar-10-batches-bin", "cifar-10-binary.tar.gz"), SharedData.list(cifarCache()));
        assertEquals(List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"),
                SharedData.list(cifarCache().resolve("cifar-10-batches-bin")));
        assertEquals(1, requests("/cifar10/cifar-10-binary.tar.gz"));

        // a second load reads the extracted copy: no request, not even the archive is needed
        Files.delete(cifarCache().resolve("cifar-10-binary.tar.gz"));
        Dataset again = Datasets.load(cifarSpec(archive, List.of()), options().withDownload(false));
        assertArrayEquals((byte[]) d.trainImages().storage(), (byte[]) again.trainImages().storage());
        assertEquals(1, requests("/cifar10/cifar-10-binary.tar.gz"));
    }

    private static void assertRecord(Tensor images, Tensor labels, int i, int batch, int r) {
        assertEquals(label(batch, r), (int) labels.getDouble(i), "label " + i);
        for (int row = 0; row < 32; row++)
            for (int col = 0; col < 32; col++)
                for (int ch = 0; ch < 3; ch++)
                    assertEquals(planar(batch, r, ch, row * 32 + col), (int) images.getDouble(((i * 32 + row) * 32 + col) * 3 + ch),
                            "image " + i + " [" + row + ", " + col + ", " + ch + "]");
    }

    @Test
    void cifar10ComesFromTheOfficialUrlWithoutAMirror() throws IOException {
        byte[] archive = tarGz(cifarEntries());
        served.put("/kriz/cifar-10-binary.tar.gz", archive);
        Dataset d = Datasets.load(cifarSpec(archive, List.of(base + "kriz/")), options().withMirror(null));
        assertEquals(10, d.trainLabels().dim(0));
        assertEquals(1, requests("/kriz/cifar-10-binary.tar.gz"));
        // the real spec names the official archive by its official size and MD5
        DataFile real = DatasetSpec.CIFAR10.files().get(0);
        assertEquals(List.of("https://www.cs.toronto.edu/~kriz/"), DatasetSpec.CIFAR10.defaultMirrors());
        assertEquals(170052171L, real.size());
        assertEquals("c32a1d4ab5d03f1284b67883e8d87530", real.md5());
    }

    @Test
    void aCifarDownloadWithTheWrongChecksumIsRejectedAndLeavesNothing() throws IOException {
        byte[] archive = tarGz(cifarEntries());
        byte[] other = archive.clone();
        other[other.length / 2] ^= 1;
        served.put("/cifar10/cifar-10-binary.tar.gz", other);
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.load(cifarSpec(archive, List.of()), options()));
        assertTrue(e.getMessage().startsWith("cannot download cifar10/cifar-10-binary.tar.gz:\n  " + base
                + "cifar10/cifar-10-binary.tar.gz: corrupt download: MD5 mismatch: expected " + hex("MD5", archive) + ", found " + hex("MD5", other)), e.getMessage());
        assertTrue(e.getMessage().contains("Put the file of cifar10:\n  cifar-10-binary.tar.gz\n"), e.getMessage());
        assertTrue(SharedData.list(cifarCache()).isEmpty(), SharedData.list(cifarCache()).toString());
    }

    @Test
    void aLocalCifarArchiveIsVerifiedBeforeItIsExtracted() throws IOException {
        byte[] archive = tarGz(cifarEntries());
        byte[] other = archive.clone();
        other[40] ^= 1;
        Path data = tmp.resolve("data");
        Files.createDirectories(data.resolve("cifar10"));
        Files.write(data.resolve("cifar10/cifar-10-binary.tar.gz"), other);
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.load(cifarSpec(archive, List.of()), options().withDataDir(data)));
        assertEquals(data.resolve("cifar10/cifar-10-binary.tar.gz") + ": not the official cifar10/cifar-10-binary.tar.gz: MD5 mismatch: expected "
                + hex("MD5", archive) + ", found " + hex("MD5", other) + "; replace it with the official file, or delete it to download it again", e.getMessage());
        assertFalse(Files.exists(cifarCache().resolve("cifar-10-batches-bin")));
    }

    @Test
    void aTruncatedCifarArchiveIsAClearErrorAndExtractsNothing() throws IOException {
        byte[] whole = tarGz(cifarEntries());
        // cut in the middle of the gzip stream, its checksum injected: only the extraction can notice
        byte[] cut = Arrays.copyOf(whole, whole.length / 2);
        served.put("/cifar10/cifar-10-binary.tar.gz", cut);
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.load(cifarSpec(cut, List.of()), options()));
        assertTrue(e.getMessage().startsWith(cifarCache().resolve("cifar-10-binary.tar.gz") + ": corrupt or truncated archive ("), e.getMessage());
        assertTrue(e.getMessage().endsWith("); delete it to download it again"), e.getMessage());
        assertEquals(List.of("cifar-10-binary.tar.gz"), SharedData.list(cifarCache()));
    }

    @Test
    void anArchiveEndingInsideAnEntryOrWithoutItsTestBatchIsRefused() throws IOException {
        // a tar cut inside an entry, then gzipped whole: the gzip stream is fine, the tar is not
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(tarGz(cifarEntries())))) {
            in.transferTo(raw);
        }
        ByteArrayOutputStream cutTar = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(cutTar)) {
            gz.write(raw.toByteArray(), 0, 512 * 3 + 4000);
        }
        byte[] cut = cutTar.toByteArray();
        served.put("/cifar10/cifar-10-binary.tar.gz", cut);
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.load(cifarSpec(cut, List.of()), options()));
        assertEquals(cifarCache().resolve("cifar-10-binary.tar.gz") + ": corrupt or truncated archive (the archive ends inside an entry); delete it to download it again",
                e.getMessage());

        Map<String, byte[]> entries = cifarEntries();
        entries.remove("cifar-10-batches-bin/test_batch.bin");
        byte[] noTest = tarGz(entries);
        Files.delete(cifarCache().resolve("cifar-10-binary.tar.gz"));
        served.put("/cifar10/cifar-10-binary.tar.gz", noTest);
        e = assertThrows(DatasetException.class, () -> Datasets.load(cifarSpec(noTest, List.of()), options()));
        assertEquals(cifarCache().resolve("cifar-10-binary.tar.gz") + ": not a CIFAR-10 binary archive: it has no cifar-10-batches-bin/test_batch.bin", e.getMessage());
        assertEquals(List.of("cifar-10-binary.tar.gz"), SharedData.list(cifarCache()));
    }

    @Test
    void aRecordWithALabelOutsideTheTenClassesIsRefused() throws IOException {
        Map<String, byte[]> entries = cifarEntries();
        byte[] test = batch(6, 3);
        test[2 * Cifar10.RECORD] = 10;
        entries.put("cifar-10-batches-bin/test_batch.bin", test);
        byte[] archive = tarGz(entries);
        served.put("/cifar10/cifar-10-binary.tar.gz", archive);
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.load(cifarSpec(archive, List.of()), options()));
        assertEquals(cifarCache().resolve("cifar-10-batches-bin/test_batch.bin") + ": record 2 has label 10, not a class 0 to 9", e.getMessage());
    }

    // ---- generated Boston housing npz files ---------------------------------------------

    /** An .npy array of little-endian float64 in C order, as NumPy writes it (format 1.0). */
    private static byte[] npy(int[] shape, double[] values) {
        String dims = shape.length == 1 ? shape[0] + "," : shape[0] + ", " + shape[1];
        StringBuilder header = new StringBuilder("{'descr': '<f8', 'fortran_order': False, 'shape': (" + dims + "), }");
        while ((10 + header.length() + 1) % 64 != 0) header.append(' ');
        header.append('\n');
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0).putShort((short) header.length());
        b.put(header.toString().getBytes(StandardCharsets.US_ASCII));
        for (double v : values) b.putDouble(v);
        return b.array();
    }

    /** An uncompressed npz (np.savez) of the named arrays. */
    private static byte[] npz(Map<String, byte[]> arrays) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (var a : arrays.entrySet()) {
                zip.putNextEntry(new ZipEntry(a.getKey() + ".npy"));
                zip.write(a.getValue());
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }

    /** x[i][j] = i + j / 100, y[i] = 1000 + i: each value names its row. */
    private static byte[] bostonNpz(int n) throws IOException {
        double[] x = new double[n * 13], y = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 13; j++) x[i * 13 + j] = i + j / 100.0;
            y[i] = 1000 + i;
        }
        Map<String, byte[]> arrays = new LinkedHashMap<>();
        arrays.put("x", npy(new int[] {n, 13}, x));
        arrays.put("y", npy(new int[] {n}, y));
        return npz(arrays);
    }

    /** The real Boston housing spec with this file's SHA-256 (the real one has no published size or MD5). */
    private static DatasetSpec bostonSpec(byte[] npz, List<String> mirrors) {
        DataFile real = DatasetSpec.BOSTON_HOUSING.files().get(0);
        return new DatasetSpec("boston-housing", mirrors, List.of(new DataFile(real.fileName(), DataFile.UNKNOWN_SIZE, null, hex("SHA-256", npz), real.contents())),
                DatasetSpec.Format.KERAS_BOSTON_NPZ);
    }

    private Path bostonCache() {
        return home().resolve(".dlm/datasets/boston-housing");
    }

    @Test
    void bostonHousingIsDownloadedByItsSha256AndSplitAsKerasSplitsIt() throws IOException {
        byte[] npz = bostonNpz(506);
        served.put("/boston-housing/boston_housing.npz", npz);
        Dataset d = Datasets.load(bostonSpec(npz, List.of()), options());
        assertEquals(DType.F32, d.trainImages().dtype());
        assertArrayEquals(new int[] {404, 13}, d.trainImages().shape());
        assertArrayEquals(new int[] {404}, d.trainLabels().shape());
        assertArrayEquals(new int[] {102, 13}, d.testImages().shape());
        assertArrayEquals(new int[] {102}, d.testLabels().shape());
        // Keras: RandomState(113).shuffle(arange(506)); the first rows of the order are those
        // NumpyLegacyRandomTest checks against NumPy (22, 202, 368, …; … 162, 220, 165)
        int[] order = new NumpyLegacyRandom(113).permutation(506);
        assertArrayEquals(new int[] {22, 202, 368}, Arrays.copyOf(order, 3));
        for (int r = 0; r < 506; r++) {
            boolean train = r < 404;
            Tensor x = train ? d.trainImages() : d.testImages(), y = train ? d.trainLabels() : d.testLabels();
            int row = train ? r : r - 404;
            assertEquals(1000 + order[r], y.getDouble(row), 0.0, "y row " + r);
            for (int j = 0; j < 13; j++) assertEquals((float) (order[r] + j / 100.0), (float) x.getDouble(row * 13 + j), 0.0f, "x row " + r + " column " + j);
        }
        assertEquals(165 + 1000, d.testLabels().getDouble(101), 0.0);
        assertEquals(1, requests("/boston-housing/boston_housing.npz"));
        assertEquals(List.of("boston_housing.npz"), SharedData.list(bostonCache()));
        // found in the cache the next time, checked by its SHA-256 since its size is not known
        Datasets.load(bostonSpec(npz, List.of()), options().withDownload(false));
        assertEquals(1, requests("/boston-housing/boston_housing.npz"));
        DataFile real = DatasetSpec.BOSTON_HOUSING.files().get(0);
        assertFalse(real.sizeKnown());
        assertEquals("f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5", real.sha256());
        assertEquals(List.of("https://storage.googleapis.com/tensorflow/tf-keras-datasets/"), DatasetSpec.BOSTON_HOUSING.defaultMirrors());
    }

    @Test
    void aNumpyWrittenCompressedNpzIsRead() throws IOException {
        // generated at test-writing time by /usr/bin/python3, NumPy 2.4.6 (zip64 entries, deflated):
        // x = np.arange(65, dtype=np.float64).reshape(5, 13) * 0.5 - 3.0; y = np.arange(5, dtype=np.float64) + 0.25
        // np.savez_compressed(f, x=x, y=y); and np.random.RandomState(113).permutation(5) == [1, 0, 3, 2, 4]
        byte[] npz = Base64.getDecoder().decode(
                "UEsDBC0AAAAIAAAAIQBRIfJ///////////8FABQAeC5ucHkBABAAiAIAAAAAAADWAAAAAAAAAJ3MzUoCURyG8TdwIdEiREQk5GTW0Zos8yM1JVftFDctXMWQIy5E"
                + "YybaiOA9eEF6KV5CS5ep83QDvpsfz//AWXbfO73+iX40swMv+PRtw9jmsGYdY4dT/9t3Jx9Tf+Dt72/uOPB292Dkfnm7zlUcUyzlHTM3x+5Uh0XXoREUblehv7jB"
                + "/21eecctqs1/GMUzPMcYxjGBSUzhBabR4CVm8AqzeI03aDGHebzFO3TwHgv4gI+hC1SRRj3RqBKNKtOoCo2q0qhnGlWjUXUa1aBRLzSqSaNa7T9QSwMELQAAAAgA"
                + "AAAhAB0f9Ez//////////wUAFAB5Lm5weQEAEACoAAAAAAAAAFUAAAAAAAAAm+wX6hsQychQxlCtnpJanFykbqWgbpNmoa6joJ6WX1RSlJgXn1+UkgoSd0vMKU4F"
                + "ihdnJBakAvkapjqaOgq1ChQALgYwuGAPob9AaSYHCM0FpQUdAFBLAQItAy0AAAAIAAAAIQBRIfJ/1gAAAIgCAAAFAAAAAAAAAAAAAACAAQAAAAB4Lm5weVBLAQIt"
                + "Ay0AAAAIAAAAIQAdH/RMVQAAAKgAAAAFAAAAAAAAAAAAAACAAQ0BAAB5Lm5weVBLBQYAAAAAAgACAGYAAACZAQAAAAA=");
        served.put("/boston-housing/boston_housing.npz", npz);
        Dataset d = Datasets.load(bostonSpec(npz, List.of()), options());
        // int(5 * 0.8) = 4 train rows: original rows 1, 0, 3, 2; the test row is 4
        assertArrayEquals(new int[] {4, 13}, d.trainImages().shape());
        int[] order = {1, 0, 3, 2, 4};
        for (int r = 0; r < 5; r++) {
            Tensor x = r < 4 ? d.trainImages() : d.testImages(), y = r < 4 ? d.trainLabels() : d.testLabels();
            int row = r < 4 ? r : 0;
            assertEquals(order[r] + 0.25, y.getDouble(row), 0.0);
            for (int j = 0; j < 13; j++) assertEquals((order[r] * 13 + j) * 0.5 - 3.0, x.getDouble(row * 13 + j), 0.0);
        }
    }

    @Test
    void aBostonFileWithTheWrongChecksumIsRejectedDownloadedOrLocal() throws IOException {
        byte[] npz = bostonNpz(20);
        byte[] other = bostonNpz(21);
        served.put("/boston-housing/boston_housing.npz", other);
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.load(bostonSpec(npz, List.of()), options()));
        assertTrue(e.getMessage().startsWith("cannot download boston-housing/boston_housing.npz:\n  " + base
                + "boston-housing/boston_housing.npz: corrupt download: SHA-256 mismatch: expected " + hex("SHA-256", npz) + ", found " + hex("SHA-256", other)),
                e.getMessage());
        assertTrue(SharedData.list(bostonCache()).isEmpty());

        // a local copy has no size to check: its SHA-256 is checked even with checksums off
        Path data = tmp.resolve("data");
        Files.createDirectories(data.resolve("boston-housing"));
        Files.write(data.resolve("boston-housing/boston_housing.npz"), other);
        e = assertThrows(DatasetException.class, () -> Datasets.load(bostonSpec(npz, List.of()), options().withDataDir(data)));
        assertEquals(data.resolve("boston-housing/boston_housing.npz") + ": not the official boston-housing/boston_housing.npz: SHA-256 mismatch: expected "
                + hex("SHA-256", npz) + ", found " + hex("SHA-256", other) + "; replace it with the official file, or delete it to download it again", e.getMessage());
    }

    @Test
    void aBostonNpzWithoutYOrOfTheWrongShapeOrNotAZipIsAClearError() throws IOException {
        List<String> messages = new ArrayList<>();
        Map<String, byte[]> noY = new LinkedHashMap<>();
        noY.put("x", npy(new int[] {3, 13}, new double[39]));
        Map<String, byte[]> twelve = new LinkedHashMap<>();
        twelve.put("x", npy(new int[] {3, 12}, new double[36]));
        twelve.put("y", npy(new int[] {3}, new double[3]));
        for (byte[] npz : List.of(npz(noY), npz(twelve), "not a zip".getBytes(StandardCharsets.US_ASCII))) {
            served.put("/boston-housing/boston_housing.npz", npz);
            DatasetException e = assertThrows(DatasetException.class, () -> Datasets.load(bostonSpec(npz, List.of()), options()));
            messages.add(e.getMessage());
            Files.delete(bostonCache().resolve("boston_housing.npz"));
        }
        Path file = bostonCache().resolve("boston_housing.npz");
        assertEquals(file + ": not a readable npz file: it has no array 'y' (delete it to download it again)", messages.get(0));
        assertEquals(file + ": expected x of shape (n, 13) and y of shape (n,), found x [3, 12] and y [3]", messages.get(1));
        assertTrue(messages.get(2).startsWith(file + ": not a readable npz file: "), messages.get(2));
    }

    @Test
    void theNewDatasetsAreKnownByName() {
        assertEquals(List.of("mnist", "fashion-mnist", "cifar10", "boston-housing"), Datasets.names());
        // offline and with downloads off, the error says where to put the one file
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.load("boston-housing", options().withDownload(false)));
        assertTrue(e.getMessage().startsWith("boston-housing not found (downloads are off).\nPut the file of boston-housing:\n  boston_housing.npz\n"), e.getMessage());
    }
}
