package dlm.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real MNIST and Fashion-MNIST files, read from the shared data folder (never downloaded). */
class RealDatasetsTest {

    @TempDir
    Path home;

    private Dataset load(String name) {
        // Checksums on: this also proves the shared copies are the official files.
        DatasetOptions o = SharedData.isolated(home).withDataDir(SharedData.root()).withDownload(false).withVerifyChecksums(true);
        return Datasets.load(name, o);
    }

    private static int[] counts(Tensor labels) {
        int[] c = new int[10];
        byte[] b = labels.byteStorage();
        for (byte x : b) c[x & 0xFF]++;
        return c;
    }

    @Test
    void mnist() {
        Dataset d = load("mnist");
        assertEquals("mnist", d.name());
        assertEquals(DType.U8, d.trainImages().dtype());
        assertArrayEquals(new int[] {60000, 28, 28}, d.trainImages().shape());
        assertArrayEquals(new int[] {60000}, d.trainLabels().shape());
        assertArrayEquals(new int[] {10000, 28, 28}, d.testImages().shape());
        assertArrayEquals(new int[] {10000}, d.testLabels().shape());
        assertEquals(5, d.trainLabels().getLong(0));
        assertEquals(9, d.trainLabels().getLong(4));
        assertEquals(7, d.testLabels().getLong(0));
        assertArrayEquals(new int[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, counts(d.trainLabels()));
        assertArrayEquals(new int[] {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, counts(d.testLabels()));
        // Pixels are raw bytes 0..255: the corner is background, and some stroke pixel is saturated.
        assertEquals(0, d.trainImages().get(0, 0, 0));
        double max = 0;
        for (int i = 0; i < 784; i++) max = Math.max(max, d.trainImages().getDouble(i));
        assertEquals(255, max);
    }

    @Test
    void fashionMnistIsBalanced() {
        Dataset d = load("fashion-mnist");
        assertEquals("fashion-mnist", d.name());
        assertArrayEquals(new int[] {60000, 28, 28}, d.trainImages().shape());
        assertArrayEquals(new int[] {10000, 28, 28}, d.testImages().shape());
        int[] train = counts(d.trainLabels()), test = counts(d.testLabels());
        for (int c = 0; c < 10; c++) {
            assertEquals(6000, train[c], "train class " + c);
            assertEquals(1000, test[c], "test class " + c);
        }
        assertEquals(9, d.trainLabels().getLong(0));   // the first training image is an ankle boot
    }

    @Test
    void theMnistImageFileLoadsQuickly() {
        // Not a benchmark (that is JMH's job): a generous bound that catches an unbuffered reader.
        Path f = SharedData.file(DatasetSpec.MNIST, DatasetSpec.MNIST.trainImages());
        IdxReader.read(f);   // warm up
        long t0 = System.nanoTime();
        Tensor t = IdxReader.read(f, "image data");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertArrayEquals(new int[] {60000, 28, 28}, t.shape());
        System.out.println("IdxReader: MNIST train images (47 MB) in " + ms + " ms");
        org.junit.jupiter.api.Assertions.assertTrue(ms < 3000, "took " + ms + " ms");
    }
}
