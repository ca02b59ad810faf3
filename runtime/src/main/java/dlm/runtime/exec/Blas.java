package dlm.runtime.exec;

import java.util.Arrays;

/**
 * The matrix products generated code calls: the one indirection between compiled models and a
 * GEMM implementation. Row-major, BLAS-style: {@code C = op(A)·op(B)} (or {@code C += …} when
 * {@code accumulate}), op(A) m×k, op(B) k×n, C m×n; {@code transA} means A is stored k×m
 * ({@code A[i,p] = a[aOff + p*lda + i]}), {@code transB} that B is stored n×k. Transposes are
 * handled here, never materialized by the caller.
 *
 * <p>f32 products go to {@code dlm.runtime.kernels.Gemm} (packed, register-tiled, multi-core).
 * The double kernel is a cache-blocked i-k-j loop nest whose inner loop C2 auto-vectorizes; it
 * accumulates every element in the order p = 0, 1, … like the reference interpreter, so f64
 * products are bit-exact.
 * The integer kernels wrap like Java arithmetic (as the interpreter's long sums wrapped on store).
 */
public final class Blas {
    private Blas() {}

    private static final int NB = 512; // columns of C per block
    private static final int KB = 128; // depth per block: a KB x NB block of B stays in L2

    private static final ThreadLocal<double[][]> DOUBLE_SCRATCH = ThreadLocal.withInitial(() -> new double[][] {new double[0]});

    /** f32 products go to the packed, register-tiled, multi-core Vector API kernel. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        dlm.runtime.kernels.Gemm.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    /**
     * f32 product with a fused epilogue ({@code dlm.runtime.kernels.Epilogue} by ordinal: 1 bias,
     * 2 relu, 3 bias then relu), the bias a row vector {@code bias[biasOff .. biasOff + n)}.
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, float[] bias, int biasOff, int epilogue) {
        dlm.runtime.kernels.Gemm.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, false,
                bias, biasOff, EPILOGUES[epilogue]);
    }

    /**
     * f32 product whose left operand is u8 codes mapped through a 256-entry table while the kernel
     * packs them ({@code op(A)(i, p) = table[a[…] & 0xFF]}, see {@code dlm.runtime.kernels.TablePackA}),
     * with an optional fused epilogue as above (0: none).
     */
    public static void sgemmTable(boolean transA, boolean transB, int m, int n, int k,
                                  byte[] a, int aOff, int lda, float[] table, float[] b, int bOff, int ldb,
                                  float[] c, int cOff, int ldc, float[] bias, int biasOff, int epilogue) {
        long last = (long) aOff + (transA ? (long) (k - 1) * lda + m - 1 : (long) (m - 1) * lda + k - 1);
        if (m > 0 && k > 0 && (aOff < 0 || last >= a.length))
            throw new IndexOutOfBoundsException("A needs elements up to " + last + ", the array has " + a.length);
        dlm.runtime.kernels.TablePackA pack = dlm.runtime.kernels.TablePackA.local().set(transA, a, aOff, lda, table);
        try {
            dlm.runtime.kernels.Gemm.sgemm(pack, transB, m, n, k, b, bOff, ldb, c, cOff, ldc, false, bias, biasOff, EPILOGUES[epilogue]);
        } finally {
            pack.clear();
        }
    }

    private static final dlm.runtime.kernels.Epilogue[] EPILOGUES = dlm.runtime.kernels.Epilogue.values();

    public static void dgemm(boolean transA, boolean transB, int m, int n, int k,
                             double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                             double[] c, int cOff, int ldc, boolean accumulate) {
        if (!accumulate) for (int i = 0; i < m; i++) Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0.0);
        if (m == 0 || n == 0 || k == 0) return;
        if (transB) {
            double[][] holder = DOUBLE_SCRATCH.get();
            if (holder[0].length < k * n) holder[0] = new double[k * n];
            double[] p = holder[0];
            for (int j = 0; j < n; j++) {
                int src = bOff + j * ldb;
                for (int q = 0; q < k; q++) p[q * n + j] = b[src + q];
            }
            b = p;
            bOff = 0;
            ldb = n;
        }
        for (int jj = 0; jj < n; jj += NB) {
            int jn = Math.min(NB, n - jj);
            for (int pp = 0; pp < k; pp += KB) {
                int pEnd = Math.min(k, pp + KB);
                for (int i = 0; i < m; i++) {
                    int cRow = cOff + i * ldc + jj;
                    for (int p = pp; p < pEnd; p++) {
                        double av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                        int bRow = bOff + p * ldb + jj;
                        for (int j = 0; j < jn; j++) c[cRow + j] += av * b[bRow + j];
                    }
                }
            }
        }
    }

    // ---- integer products: general strides (A[i,p] = a[aOff + i*ars + p*acs]), C contiguous rows ----

    public static void igemm(int m, int n, int k, int[] a, int aOff, int ars, int acs, int[] b, int bOff, int brs, int bcs,
                             int[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                int acc = 0;
                for (int p = 0; p < k; p++) acc += a[aOff + i * ars + p * acs] * b[bOff + p * brs + j * bcs];
                c[cOff + i * ldc + j] = acc;
            }
    }

    public static void lgemm(int m, int n, int k, long[] a, int aOff, int ars, int acs, long[] b, int bOff, int brs, int bcs,
                             long[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                long acc = 0;
                for (int p = 0; p < k; p++) acc += a[aOff + i * ars + p * acs] * b[bOff + p * brs + j * bcs];
                c[cOff + i * ldc + j] = acc;
            }
    }

    /** u8 operands (0..255), u8 result (the sum wrapped mod 256). */
    public static void u8gemm(int m, int n, int k, byte[] a, int aOff, int ars, int acs, byte[] b, int bOff, int brs, int bcs,
                              byte[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                int acc = 0;
                for (int p = 0; p < k; p++) acc += (a[aOff + i * ars + p * acs] & 0xFF) * (b[bOff + p * brs + j * bcs] & 0xFF);
                c[cOff + i * ldc + j] = (byte) acc;
            }
    }
}
