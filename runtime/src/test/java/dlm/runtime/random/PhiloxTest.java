package dlm.runtime.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PhiloxTest {

    private static int[] block(int c0, int c1, int c2, int c3, int k0, int k1) {
        int[] w = new int[4];
        Philox.block(c0, c1, c2, c3, k0, k1, w);
        return w;
    }

    /** Random123's known-answer tests for philox4x32_10 (kat_vectors). */
    @Test
    void knownAnswers() {
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}, block(0, 0, 0, 0, 0, 0));
        assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}, block(-1, -1, -1, -1, -1, -1));
        assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
                block(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0));
    }

    @Test
    void uniformF32IsBlockWordsTop24Bits() {
        long seed = 0x1234_5678_9ABC_DEF0L, step = 0x1_0000_0003L;
        int stream = 77;
        float[] out = new float[10];
        Philox.uniform(new long[] {seed}, 0, new long[] {step}, 0, out, 0, new int[4], 10, stream);
        for (int i = 0; i < 10; i++) {
            int[] w = block(i / 4, stream, (int) step, (int) (step >>> 32), (int) seed, (int) (seed >>> 32));
            assertEquals((w[i % 4] >>> 8) / 16777216.0f, out[i], "element " + i);
            assertTrue(out[i] >= 0 && out[i] < 1);
        }
    }

    @Test
    void aPrefixIsTheSameWhateverTheLengthAndOffset() {
        long[] seed = {5}, step = {9};
        double[] longer = new double[13], shorter = new double[7 + 3];
        Philox.uniform(seed, 0, step, 0, longer, 0, new int[4], 13, 1);
        Philox.uniform(seed, 0, step, 0, shorter, 3, new int[4], 7, 1);
        for (int i = 0; i < 7; i++) assertEquals(longer[i], shorter[3 + i]);
        float[] nf = new float[5];
        double[] nd = new double[5];
        Philox.normal(seed, 0, step, 0, nf, 0, new int[4], 5, 1);
        Philox.normal(seed, 0, step, 0, nd, 0, new int[4], 5, 1);
        for (int i = 0; i < 5; i++) assertEquals((float) nd[i], nf[i]);
    }

    @Test
    void streamsStepsAndSeedsDiffer() {
        float[] a = new float[8], b = new float[8], c = new float[8], d = new float[8];
        Philox.uniform(new long[] {1}, 0, new long[] {1}, 0, a, 0, new int[4], 8, 1);
        Philox.uniform(new long[] {1}, 0, new long[] {1}, 0, b, 0, new int[4], 8, 2);
        Philox.uniform(new long[] {1}, 0, new long[] {2}, 0, c, 0, new int[4], 8, 1);
        Philox.uniform(new long[] {2}, 0, new long[] {1}, 0, d, 0, new int[4], 8, 1);
        assertNotEquals(a[0], b[0]);
        assertNotEquals(a[0], c[0]);
        assertNotEquals(a[0], d[0]);
        assertEquals(Philox.stream("h/dropout"), Philox.stream("h/dropout"));
        assertNotEquals(Philox.stream("h/dropout"), Philox.stream("h2/dropout"));
    }

    @Test
    void momentsOfUniformAndNormal() {
        int n = 200_000;
        double[] u = new double[n];
        float[] z = new float[n];
        Philox.uniform(new long[] {42}, 0, new long[] {1}, 0, u, 0, new int[4], n, 3);
        Philox.normal(new long[] {42}, 0, new long[] {1}, 0, z, 0, new int[4], n, 3);
        double su = 0, su2 = 0, sz = 0, sz2 = 0;
        for (int i = 0; i < n; i++) {
            su += u[i];
            su2 += u[i] * u[i];
            sz += z[i];
            sz2 += (double) z[i] * z[i];
            assertTrue(Float.isFinite(z[i]));
        }
        // standard errors: uniform mean 0.29/sqrt(n) ≈ 6.5e-4, normal mean 1/sqrt(n) ≈ 2.2e-3
        assertEquals(0.5, su / n, 4e-3);
        assertEquals(1 / 12.0, su2 / n - Math.pow(su / n, 2), 2e-3);
        assertEquals(0, sz / n, 1.2e-2);
        assertEquals(1, sz2 / n, 1.5e-2);
    }
}
