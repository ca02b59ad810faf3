package dlm.runtime.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where datasets are looked for, in which order, and how local files are checked. */
class DataLocatorTest {

    private static final DatasetSpec MNIST = DatasetSpec.MNIST;

    @TempDir
    Path tmp;

    @AfterEach
    void unlink() {
        SharedData.unlinkAll(tmp);
    }

    private Path home() {
        return tmp.resolve("home");
    }

    /** No download: a lookup that finds nothing must fail, not go to the network. */
    private DatasetOptions options() {
        return SharedData.isolated(home()).withDownload(false);
    }

    private Path cache() {
        return home().resolve(".dlm/datasets/mnist");
    }

    private static Map<String, String> dlmData(Path p) {
        return Map.of("DLM_DATA", p.toString());
    }

    @Test
    void explicitDirBeatsDlmDataBeatsCache() {
        Path explicit = SharedData.linkFiles(MNIST, tmp.resolve("explicit/mnist"));
        Path env = SharedData.linkFiles(MNIST, tmp.resolve("env/mnist"));
        Path cache = SharedData.linkFiles(MNIST, cache());
        DatasetOptions o = options().withDataDir(tmp.resolve("explicit")).withEnv(dlmData(tmp.resolve("env")));

        assertEquals(explicit, Datasets.locate(MNIST, o));
        assertEquals(env, Datasets.locate(MNIST, o.withDataDir(null)));
        assertEquals(cache, Datasets.locate(MNIST, o.withDataDir(null).withEnv(Map.of())));
    }

    @Test
    void theExplicitDirMayHoldTheFilesDirectly() {
        Path explicit = SharedData.linkFiles(MNIST, tmp.resolve("flat"));
        SharedData.linkFiles(MNIST, tmp.resolve("env/mnist"));
        DatasetOptions o = options().withDataDir(explicit).withEnv(dlmData(tmp.resolve("env")));
        assertEquals(explicit, Datasets.locate(MNIST, o));
        // and the loaded data is the real one
        assertEquals(5, Datasets.load("mnist", o).trainLabels().getLong(0));
    }

    @Test
    void theSubfolderOfTheExplicitDirComesBeforeTheDirItself() {
        Path sub = SharedData.linkFiles(MNIST, tmp.resolve("both/mnist"));
        SharedData.linkFiles(MNIST, tmp.resolve("both"));
        assertEquals(sub, Datasets.locate(MNIST, options().withDataDir(tmp.resolve("both"))));
    }

    @Test
    void aFolderWithSomeOfTheFilesIsPassedOver() throws IOException {
        Path partial = tmp.resolve("explicit/mnist");
        Files.createDirectories(partial);
        Files.createSymbolicLink(partial.resolve("train-images-idx3-ubyte.gz"), SharedData.file(MNIST, MNIST.trainImages()));
        Path env = SharedData.linkFiles(MNIST, tmp.resolve("env/mnist"));
        DatasetOptions o = options().withDataDir(tmp.resolve("explicit")).withEnv(dlmData(tmp.resolve("env")));
        assertEquals(env, Datasets.locate(MNIST, o));
    }

    @Test
    void aCustomCacheDirReplacesTheHomeCache() {
        SharedData.linkFiles(MNIST, cache());
        Path custom = SharedData.linkFiles(MNIST, tmp.resolve("custom/mnist"));
        assertEquals(custom, Datasets.locate(MNIST, options().withCacheDir(tmp.resolve("custom"))));
    }

    @Test
    void dlmDataNamesAFolderOfDatasetFolders() {
        // DLM_DATA pointing at the files themselves is not the convention: it is passed over.
        SharedData.linkFiles(MNIST, tmp.resolve("flat"));
        DatasetOptions o = options().withEnv(dlmData(tmp.resolve("flat")));
        assertThrows(DatasetException.class, () -> Datasets.locate(MNIST, o));
        // an empty DLM_DATA counts as unset
        SharedData.linkFiles(MNIST, cache());
        assertEquals(cache(), Datasets.locate(MNIST, options().withEnv(Map.of("DLM_DATA", ""))));
    }

    @Test
    void aMissingExplicitDirIsAnError() {
        Path missing = tmp.resolve("typo");
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.locate(MNIST, options().withDataDir(missing)));
        assertEquals("--data " + missing + ": no such folder", e.getMessage());
    }

    @Test
    void whenNothingIsFoundTheMessageSaysWhereToPutTheFiles() throws IOException {
        Path explicit = tmp.resolve("explicit");
        Files.createDirectories(explicit);
        Path env = tmp.resolve("env");
        Files.createDirectories(env.resolve("mnist"));
        Files.createSymbolicLink(env.resolve("mnist/t10k-labels-idx1-ubyte.gz"), SharedData.file(MNIST, MNIST.testLabels()));
        DatasetOptions o = options().withDataDir(explicit).withEnv(dlmData(env));

        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.locate(MNIST, o));
        String c = cache().toString();
        int w = c.length();
        assertEquals("mnist not found (downloads are off).\n"
                + "Put the 4 files of mnist:\n"
                + "  train-images-idx3-ubyte.gz\n"
                + "  train-labels-idx1-ubyte.gz\n"
                + "  t10k-images-idx3-ubyte.gz\n"
                + "  t10k-labels-idx1-ubyte.gz\n"
                + "into one of these folders (searched in this order):\n"
                + "  " + pad(explicit.resolve("mnist"), w) + "  (--data: no such folder)\n"
                + "  " + pad(explicit, w) + "  (--data: none of the files)\n"
                + "  " + pad(env.resolve("mnist"), w) + "  (DLM_DATA: 1 of the 4 files)\n"
                + "  " + c + "  (cache, where downloads go: no such folder)\n"
                + "or pass --data DIR (with the files in DIR/mnist/ or in DIR itself), or set DLM_DATA to a folder holding mnist/.",
                e.getMessage());
    }

    private static String pad(Path p, int width) {
        return String.format("%-" + width + "s", p);
    }

    @Test
    void aLocalFileOfTheWrongSizeIsAnErrorNamingIt() throws IOException {
        Path dir = SharedData.linkFiles(MNIST, tmp.resolve("d/mnist"));
        Path labels = dir.resolve("train-labels-idx1-ubyte.gz");
        Files.delete(labels);
        Files.write(labels, new byte[1000]);
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.locate(MNIST, options().withDataDir(tmp.resolve("d"))));
        assertEquals(labels + ": wrong size for mnist/train-labels-idx1-ubyte.gz: expected 28881 bytes, found 1000;"
                + " replace it with the official file, or delete it to download it again", e.getMessage());
    }

    @Test
    void fashionMnistFilesWhereMnistIsExpectedAreCalledOut() {
        // Same file names, different sizes: the classic mix-up.
        Path dir = SharedData.linkFiles(DatasetSpec.FASHION_MNIST, tmp.resolve("f"));
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.locate(MNIST, options().withDataDir(dir)));
        assertEquals(dir.resolve("train-images-idx3-ubyte.gz") + ": wrong size for mnist/train-images-idx3-ubyte.gz:"
                + " expected 9912422 bytes, found 26421880 (the size of fashion-mnist's train-images-idx3-ubyte.gz);"
                + " replace it with the official file, or delete it to download it again", e.getMessage());
    }

    @Test
    void checksumsOfLocalFilesAreVerifiedOnRequest() throws IOException {
        Path dir = tmp.resolve("d");
        Files.createDirectories(dir);
        for (DataFile f : MNIST.files()) Files.copy(SharedData.file(MNIST, f), dir.resolve(f.fileName()));
        Path labels = dir.resolve("t10k-labels-idx1-ubyte.gz");
        try (RandomAccessFile raf = new RandomAccessFile(labels.toFile(), "rw")) {
            raf.seek(100);
            int b = raf.read();
            raf.seek(100);
            raf.write(b ^ 0x40);
        }
        DatasetOptions o = options().withDataDir(dir);
        assertEquals(dir, Datasets.locate(MNIST, o));   // same size: passes the cheap check
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.locate(MNIST, o.withVerifyChecksums(true)));
        assertTrue(e.getMessage().startsWith(labels + ": not the official mnist/t10k-labels-idx1-ubyte.gz: MD5 mismatch:"
                + " expected ec29112dd5afa0611ce80d1b7f02629c, found "), e.getMessage());
    }

    @Test
    void unknownDatasetNamesListTheKnownOnes() {
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.load("cifar100", options()));
        assertEquals("unknown dataset 'cifar100' (known: mnist, fashion-mnist, cifar10, boston-housing)", e.getMessage());
        assertEquals(List.of("mnist", "fashion-mnist", "cifar10", "boston-housing"), Datasets.names());
    }

    @Test
    void mirrorConvention() {
        DatasetOptions o = options();
        assertEquals(DatasetSpec.MNIST.defaultMirrors(), Datasets.mirrors(MNIST, o));
        assertEquals("https://storage.googleapis.com/cvdf-datasets/mnist/", Datasets.mirrors(MNIST, o).getFirst());
        assertEquals(List.of("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
                Datasets.mirrors(DatasetSpec.FASHION_MNIST, o));
        // a mirror serves every dataset in its own subfolder; a trailing slash is optional
        DatasetOptions env = o.withEnv(Map.of("DLM_DATA_MIRROR", "https://example.org/dlm"));
        assertEquals(List.of("https://example.org/dlm/mnist/"), Datasets.mirrors(MNIST, env));
        assertEquals(List.of("https://example.org/dlm/fashion-mnist/"), Datasets.mirrors(DatasetSpec.FASHION_MNIST, env));
        // the option overrides the environment
        assertEquals(List.of("http://m/x/mnist/"), Datasets.mirrors(MNIST, env.withMirror("http://m/x/")));
    }

    @Test
    void defaultsUseTheRealHomeAndEnvironment() {
        DatasetOptions d = DatasetOptions.defaults();
        assertEquals(Path.of(System.getProperty("user.home"), ".dlm", "datasets"), d.effectiveCacheDir());
        assertEquals(System.getenv(), d.env());
        assertTrue(d.download());
    }

    @Test
    void humanSizes() {
        assertEquals("9.9 MB", Progress.humanSize(9912422));
        assertEquals("28.9 kB", Progress.humanSize(28881));
        assertEquals("512 B", Progress.humanSize(512));
    }
}
