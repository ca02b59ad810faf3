package dlm.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.runtime.exec.Blas;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Products with a u8 table operand skip the k steps where a packed A panel is all zeros: the result
 * is bit for bit the dense product's, whatever the layout, epilogue, thread count and parallel mode,
 * and stays so (NaN and infinities propagating) when op(B) is not finite. (The one documented
 * difference, the sign of a zero sum after an underflowing product, cannot occur with these
 * operands: no product of a pixel value and a normal-range float underflows.)
 */
class ZeroStepSkipTest {
    private static final float[] TABLE = new float[256];

    static {
        for (int c = 0; c < 256; c++) TABLE[c] = c / 255f; // only code 0 maps to 0, as for images
    }

    /** Bytes that are 0 with probability {@code zeros}, like an image's pixels. */
    private static byte[] sparseBytes(Random r, int len, double zeros) {
        byte[] x = new byte[len];
        for (int i = 0; i < len; i++) x[i] = r.nextDouble() < zeros ? 0 : (byte) (1 + r.nextInt(255));
        return x;
    }

    private static float[] product(boolean skip, boolean tA, boolean tB, int m, int n, int k, byte[] a, int lda,
                                   float[] b, int ldb, int ldc, float[] bias, int epilogue) {
        try (var saved = KernelSettings.save()) {
            Gemm.skipZeroSteps = skip;
            float[] c = new float[m * ldc];
            java.util.Arrays.fill(c, 7f); // not accumulated into: overwritten
            Blas.sgemmTable(tA, tB, m, n, k, a, 3, lda, TABLE, b, 0, ldb, c, 0, ldc, bias, 1, epilogue);
            return c;
        }
    }

    @Test
    void skippingGivesTheDenseBitsInEveryMode() {
        Random r = new Random(11);
        try (var saved = KernelSettings.save()) {
            Gemm.parallelMinFlops = 0;
            int[][] shapes = {{128, 512, 784}, {784, 512, 128}, {37, 70, 300}, {9, 33, 17}, {200, 40, 520}};
            for (int[] s : shapes)
                for (int layout = 0; layout < 4; layout++)
                    for (int mode = 0; mode < 4; mode++) {
                        boolean tA = (layout & 1) != 0, tB = (layout & 2) != 0;
                        KernelPool.setParallelism(mode == 0 ? 1 : 2);
                        // 1 thread; 2 threads shared; static split; phased
                        Gemm.sharedMaxFloats = mode >= 2 ? 0 : Long.MAX_VALUE;
                        Gemm.phasedMinRowTiles = mode == 3 ? 2 : Integer.MAX_VALUE;
                        int m = s[0], n = s[1], k = s[2], lda = (tA ? m : k) + 1, ldb = (tB ? k : n) + 2, ldc = n + 1;
                        byte[] a = sparseBytes(r, 3 + (tA ? k : m) * lda, layout == 3 ? 0.97 : 0.8);
                        float[] b = new float[(tB ? n : k) * ldb];
                        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian();
                        float[] bias = new float[n + 1];
                        for (int i = 0; i < bias.length; i++) bias[i] = (float) r.nextGaussian();
                        int epilogue = (layout + mode) % 4;
                        float[] dense = product(false, tA, tB, m, n, k, a, lda, b, ldb, ldc, bias, epilogue);
                        float[] skipped = product(true, tA, tB, m, n, k, a, lda, b, ldb, ldc, bias, epilogue);
                        assertArrayEquals(dense, skipped, m + "x" + n + "x" + k + " layout " + layout + " mode " + mode);
                    }
        }
    }

    /** 0·inf and 0·NaN are NaN: a skipped step next to an infinite or NaN B is not a zero. */
    @Test
    void infinitiesAndNaNInBPropagateAsInTheDenseProduct() {
        Random r = new Random(12);
        int m = 64, n = 96, k = 50;
        byte[] a = sparseBytes(r, 3 + m * k, 0.5);
        for (int i = 0; i < m; i++) a[3 + i * k + 7] = 0; // column 7 of A is all zeros: its steps are skipped
        for (float bad : new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN}) {
            for (int threads : new int[] {1, 2}) {
                try (var saved = KernelSettings.save()) {
                    KernelPool.setParallelism(threads);
                    Gemm.parallelMinFlops = 0;
                    float[] b = new float[k * n];
                    for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian();
                    b[7 * n + 5] = bad; // row 7 of B meets only zeros of A
                    float[] dense = product(false, false, false, m, n, k, a, k, b, n, n, null, 0);
                    float[] skipped = product(true, false, false, m, n, k, a, k, b, n, n, null, 0);
                    assertTrue(Float.isNaN(dense[5]), "0·" + bad + " makes column 5 NaN in the dense product");
                    assertArrayEquals(dense, skipped, "B holding " + bad + ", threads " + threads);
                }
            }
        }
    }

    @Test
    void compactPanelsKeepsTheNonzeroStepsInOrder() {
        int kc = 6, mr = Gemm.MR;
        float[] pa = new float[2 * mr * kc];
        // panel 0: steps 1 and 4 nonzero (4 only through a -0 and a 3 in its last row); panel 1: all zero
        pa[1 * mr + 2] = 5f;
        pa[4 * mr] = -0f;
        pa[4 * mr + mr - 1] = 3f;
        pa[5 * mr] = -0f; // -0 counts as zero
        int[] kIdx = new int[2 * kc + 1], kCnt = new int[2 * kc + 1];
        Packing.compactPanels(pa, 0, 2 * mr, kc, kIdx, kCnt);
        assertEquals(2, kCnt[0]);
        assertEquals(1 * Gemm.NR, kIdx[0]);      // as offsets of op(B)'s rows in a packed panel
        assertEquals(4 * Gemm.NR, kIdx[1]);
        assertEquals(5f, pa[2]);                 // step 1 is now first
        assertEquals(3f, pa[mr + mr - 1]);       // step 4 second
        assertEquals(0, kCnt[kc]);               // panel 1 (offset mr·kc, index kc): nothing kept
    }
}
