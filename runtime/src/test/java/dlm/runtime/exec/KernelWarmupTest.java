package dlm.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The kernel warm-up runs its rounds, stops when asked, and changes no one else's result. */
class KernelWarmupTest {
    /** Products of the model's sizes (parallel ones included) on fixed random operands: every output array. */
    private static float[][] products() {
        Random r = new Random(42);
        int m = 128, k = 784, n = 512, c = 10;
        byte[] x = new byte[m * k];
        for (int i = 0; i < x.length; i++) x[i] = (byte) (r.nextInt(5) < 4 ? 0 : r.nextInt(256));
        float[] table = new float[256];
        for (int i = 0; i < 256; i++) table[i] = i / 255f;
        float[] w1 = gaussian(r, k * n), b1 = gaussian(r, n), w2 = gaussian(r, n * c), b2 = gaussian(r, c), dz = gaussian(r, m * c);
        float[] h = new float[m * n], z = new float[m * c], dh = new float[m * n], dw1 = new float[k * n], dw2 = new float[n * c], p = new float[m * c];
        Blas.sgemmTable(false, false, m, n, k, x, 0, k, table, w1, 0, n, h, 0, n, b1, 0, 3);
        Blas.sgemm(false, false, m, c, n, h, 0, n, w2, 0, c, z, 0, c, b2, 0, 1);
        Nn.softmax(z, 0, p, 0, m, c, 1, true);
        Blas.sgemm(false, true, m, n, c, dz, 0, c, w2, 0, c, dh, 0, n, false);
        dlm.runtime.kernels.Masks.keepWherePositive(dh, 0, n, m, n, h, 0, n);
        Blas.sgemm(true, false, n, c, m, h, 0, n, dz, 0, c, dw2, 0, c, false);
        Blas.sgemmTable(true, false, k, n, m, x, 0, k, table, dh, 0, n, dw1, 0, n, null, 0, 0);
        return new float[][] {h, z, p, dh, dw2, dw1};
    }

    private static float[] gaussian(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * 0.05);
        return a;
    }

    @Test
    void productsComputedWhileTheWarmUpRunsAreBitIdentical() {
        float[][] alone = products();
        KernelWarmup w = KernelWarmup.start();
        float[][] during;
        try {
            during = products();
        } finally {
            w.stop();
        }
        assertNull(w.failure());
        for (int i = 0; i < alone.length; i++) assertArrayEquals(alone[i], during[i], "output " + i);
        assertArrayEquals(alone[0], products()[0], "and after it");
    }

    @Test
    void stopReturnsTheRoundsDoneAndTheThreadEnds() {
        KernelWarmup w = KernelWarmup.start();
        int rounds = w.stop();
        assertTrue(rounds >= 0 && rounds <= KernelWarmup.MAX_ROUNDS, "rounds " + rounds);
        assertEquals(rounds, w.rounds(), "no round after stop() returned");
        assertEquals(rounds, w.stop(), "stop() again is harmless");
    }

    @Test
    void aRoundIsDeterministic() {
        KernelWarmup.Operands a = new KernelWarmup.Operands(), b = new KernelWarmup.Operands();
        a.round();
        a.round();
        b.round();
        b.round();
        assertArrayEquals(a.dw1, b.dw1);
        assertArrayEquals(a.p, b.p);
        assertTrue(java.util.stream.IntStream.range(0, a.dw1.length).anyMatch(i -> a.dw1[i] != 0f), "the products do something");
    }
}
