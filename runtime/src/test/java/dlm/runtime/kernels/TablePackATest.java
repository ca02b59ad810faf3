package dlm.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dlm.runtime.exec.Blas;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A product whose op(A) is u8 codes through a table equals the product of the tabulated floats,
 * bit for bit (the packing is the only difference), transposed or not, with epilogues, on one
 * thread and on the pool.
 */
class TablePackATest {

    @Test
    void bytesThroughATableGiveTheSameBitsAsTheirFloats() {
        Random r = new Random(3);
        float[] table = new float[256];
        for (int c = 0; c < 256; c++) table[c] = (float) c / 255f - 0.5f;
        try (var saved = KernelSettings.save()) {
            Gemm.parallelMinFlops = 0;
            int[][] shapes = {{128, 512, 784}, {784, 512, 128}, {13, 37, 29}, {7, 64, 5}, {1, 33, 1}, {40, 100, 260}};
            for (int[] s : shapes)
                for (int layout = 0; layout < 4; layout++)
                    for (int threads : new int[] {1, 2}) {
                        KernelPool.setParallelism(threads);
                        boolean tA = (layout & 1) != 0, tB = (layout & 2) != 0;
                        int m = s[0], n = s[1], k = s[2], lda = (tA ? m : k) + 3, ldb = (tB ? k : n) + 1, ldc = n + 2;
                        int aRows = tA ? k : m;
                        byte[] bytes = new byte[5 + aRows * lda];
                        r.nextBytes(bytes);
                        float[] floats = new float[bytes.length];
                        for (int i = 0; i < bytes.length; i++) floats[i] = table[bytes[i] & 0xFF];
                        float[] b = new float[(tB ? n : k) * ldb];
                        for (int i = 0; i < b.length; i++) b[i] = r.nextFloat() - 0.5f;
                        float[] bias = new float[n + 1];
                        for (int i = 0; i < bias.length; i++) bias[i] = r.nextFloat() - 0.5f;
                        int epilogue = layout; // none, bias, relu, bias+relu
                        float[] want = new float[m * ldc], got = new float[m * ldc];
                        Gemm.sgemm(tA, tB, m, n, k, floats, 5, lda, b, 0, ldb, want, 0, ldc, false, bias, 1, Epilogue.values()[epilogue]);
                        Blas.sgemmTable(tA, tB, m, n, k, bytes, 5, lda, table, b, 0, ldb, got, 0, ldc, bias, 1, epilogue);
                        assertArrayEquals(want, got, m + "x" + n + "x" + k + " layout " + layout + " threads " + threads);
                    }
        }
    }

    @Test
    void aShortByteArrayOrTableIsRejected() {
        float[] table = new float[256], b = new float[12], c = new float[12];
        assertThrows(IndexOutOfBoundsException.class, () -> Blas.sgemmTable(false, false, 3, 4, 3, new byte[8], 0, 3, table, b, 0, 4, c, 0, 4, null, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Blas.sgemmTable(false, false, 3, 4, 3, new byte[9], 0, 3, new float[10], b, 0, 4, c, 0, 4, null, 0, 0));
    }
}
