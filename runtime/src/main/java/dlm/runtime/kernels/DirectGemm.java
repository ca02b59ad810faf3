package dlm.runtime.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * A product whose left operand is read in place through two index tables, with nothing packed:
 * {@code C[i][j] = e(Σ_p x[rowAt[i] + colAt[p]] · b[bOff + p·ldb + j])} for i &lt; m, j &lt; n, p &lt; k
 * (C row-major with row stride ldc, b's rows contiguous). A convolution's patch matrix has that form
 * when every window lies inside the input: rowAt holds the output positions' corners and colAt the
 * taps' offsets (forward), or the reverse (kernel gradient); the input gradient's dy·kᵀ has it with
 * rowAt[i] = i·f, colAt[p] = p. Packing the patches cost about as much as the product when n (the
 * filters) is only two or four vectors wide, as a convnet's is.
 *
 * <p><b>Bit for bit {@link Gemm}'s packed path</b> (the path every PackA product and every product
 * with n ≥ {@link Gemm#SMALL_N} takes): the same register tile ({@link Gemm#MR} rows × two vectors),
 * the same k blocks (k split into {@code ceil(k / KC)} balanced blocks), each block's FMAs in p
 * order from zero, added to the previous blocks' sum stored in C, and the epilogue (bias, then
 * ReLU) after the last block. Partial tiles run one row at a time with masked columns: the same
 * operations per element. So results do not depend on the thread count, the vector width or the
 * tile, and agree with the GEMM they replace.
 *
 * <p>Threads claim chunks of whole row tiles; an element is computed by one thread. A chunk is
 * walked in Goto's order (see {@link #rowRange}), in blocks of {@link Gemm#MC} rows, or whole with
 * {@code kOuter} (a kernel gradient: the long k is the output positions, and the chunk's few rows of C
 * stay in cache across its k blocks).
 * One instance per calling thread ({@link #local()}), reused: nothing is allocated in a steady
 * stream of calls. The caller guarantees every index {@code rowAt[i] + colAt[p]} is inside x.
 */
final class DirectGemm implements KernelPool.Job {
    private static final VectorSpecies<Float> S = MicroKernels.S;
    private static final int V = MicroKernels.V, MR = MicroKernels.MR, NR = MicroKernels.NR;
    private static final int E_BIAS = MicroKernels.E_BIAS, E_RELU = MicroKernels.E_RELU;
    /** Off switch for measurements and tests ({@code -Ddlm.conv.directGemm=false}): convolutions pack their patches. */
    static volatile boolean enabled = !"false".equals(System.getProperty("dlm.conv.directGemm"));

    /**
     * With 32 vector registers, whole groups of four vectors of columns run as 4-row × 4-vector tiles
     * (16 accumulators, as the 8×2 tile): each broadcast of A feeds four FMAs instead of two, so a k
     * step loads half as much of A per FMA (A's loads are the costly ones here: scattered, checked).
     */
    static volatile boolean wide = MR == 8 && !"false".equals(System.getProperty("dlm.conv.directWide"));
    private static final int WIDE_ROWS = 4, WIDE_COLS = 4 * V;

    private static final ThreadLocal<DirectGemm> LOCAL = ThreadLocal.withInitial(DirectGemm::new);

    private float[] x, b, c, bias;
    private int[] rowAt = new int[0], colAt = new int[0];
    private int m, n, k, bOff, ldb, cOff, ldc, biasOff, e;
    private boolean kOuter, consecutive;
    private int kcMax, rowTiles, chunks;
    private final AtomicInteger next = new AtomicInteger();

    static DirectGemm local() { return LOCAL.get(); }

    /** The row table, at least m long (filled by the caller). */
    int[] rows(int m) { return rowAt.length >= m ? rowAt : (rowAt = new int[m]); }

    /** The column table, at least k long (filled by the caller). */
    int[] cols(int k) { return colAt.length >= k ? colAt : (colAt = new int[k]); }

    /**
     * Computes C (see the class comment) with the tables as filled, on the pool when it is large
     * enough ({@code parallel}) else on the calling thread. {@code e} is an {@link Epilogue}'s ordinal.
     * {@code consecutive} promises that each whole row tile's rows are consecutive in x
     * ({@code rowAt[i + r] = rowAt[i] + r} for i a multiple of {@link Gemm#MR}, r &lt; MR: one tap's
     * channels when MR divides them); the tile then indexes x from one offset per k step.
     */
    void run(float[] x, int m, int n, int k, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
             float[] bias, int biasOff, int e, boolean kOuter, boolean parallel, boolean consecutive) {
        this.consecutive = consecutive;
        this.x = x; this.m = m; this.n = n; this.k = k; this.b = b; this.bOff = bOff; this.ldb = ldb;
        this.c = c; this.cOff = cOff; this.ldc = ldc; this.bias = bias; this.biasOff = biasOff; this.e = e;
        this.kOuter = kOuter;
        try {
            if (m == 0 || n == 0) return;
            if (k == 0) {
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++) c[cOff + i * ldc + j] = Gemm.epi(0f, e, bias, biasOff + j);
                return;
            }
            int kBlocks = (k + Gemm.KC - 1) / Gemm.KC;
            kcMax = (k + kBlocks - 1) / kBlocks;
            rowTiles = (m + MR - 1) / MR;
            int threads = KernelPool.parallelism();
            int parts = parallel && threads > 1 && 2L * m * n * k >= Gemm.parallelMinFlops ? Math.min(threads, rowTiles) : 1;
            // Each chunk reads all of b: with a long k (a kernel gradient's dy, megabytes) one chunk per
            // thread, else four for balance.
            chunks = parts <= 1 ? 1 : kOuter ? parts : Math.min(rowTiles, 4 * parts);
            next.set(0);
            if (parts <= 1) run(0, 1);
            else KernelPool.run(parts, this);
        } finally {
            this.x = this.b = this.c = this.bias = null;
        }
    }

    @Override
    public void run(int part, int parts) {
        for (int ch; (ch = next.getAndIncrement()) < chunks; ) {
            int t0 = (int) ((long) rowTiles * ch / chunks), t1 = (int) ((long) rowTiles * (ch + 1) / chunks);
            rowRange(t0 * MR, Math.min(m, t1 * MR));
        }
    }

    /**
     * Rows [i0, i1) in blocks of {@link Gemm#MC} rows (all at once with {@code kOuter}); in a block, k
     * block by k block, column tile by column tile, row tile by row tile (Goto's order: a k block of
     * one column tile of b, read in place, stays in L1 while the block's row tiles go by).
     */
    private void rowRange(int i0, int i1) {
        int step = kOuter ? i1 - i0 : Gemm.MC;
        for (int ic = i0; ic < i1; ic += step) {
            int ie = Math.min(i1, ic + step);
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                int wideEnd = wide ? n / WIDE_COLS * WIDE_COLS : 0;
                for (int j = 0; j < wideEnd; j += WIDE_COLS)
                    for (int i = ic; i < ie; i += WIDE_ROWS) wideTile(i, Math.min(WIDE_ROWS, ie - i), j, pc, kc);
                for (int j = wideEnd; j < n; j += NR)
                    for (int i = ic; i < ie; i += MR) tile(i, Math.min(MR, ie - i), j, pc, kc);
            }
        }
    }

    /** Rows [i, i + mr) × columns [j, j + NR) ∩ [0, n) for the k block [pc, pc + kc). */
    private void tile(int i, int mr, int j, int pc, int kc) {
        boolean load = pc > 0;
        int ep = pc + kc == k ? e : 0;
        int bi = bOff + pc * ldb + j, ci = cOff + i * ldc + j, bo = biasOff + j;
        int[] ra = rowAt;
        if (mr == MR && j + NR <= n) {
            if (consecutive) {
                if (MR == 8) consecutive8(kc, x, ra[i], colAt, pc, b, bi, ldb, c, ci, ldc, load, ep, bias, bo);
                else consecutive6(kc, x, ra[i], colAt, pc, b, bi, ldb, c, ci, ldc, load, ep, bias, bo);
            } else if (MR == 8) {
                tile8(kc, x, ra[i], ra[i + 1], ra[i + 2], ra[i + 3], ra[i + 4], ra[i + 5], ra[i + 6], ra[i + 7],
                        colAt, pc, b, bi, ldb, c, ci, ldc, load, ep, bias, bo);
            } else {
                tile6(kc, x, ra[i], ra[i + 1], ra[i + 2], ra[i + 3], ra[i + 4], ra[i + 5],
                        colAt, pc, b, bi, ldb, c, ci, ldc, load, ep, bias, bo);
            }
        } else {
            int nr = Math.min(NR, n - j);
            for (int r = 0; r < mr; r++) row(kc, x, ra[i + r], colAt, pc, b, bi, ldb, c, ci + r * ldc, nr, load, ep, bias, bo);
        }
    }

    /** Rows [i, i + mr) × columns [j, j + WIDE_COLS) for the k block [pc, pc + kc). */
    private void wideTile(int i, int mr, int j, int pc, int kc) {
        boolean load = pc > 0;
        int ep = pc + kc == k ? e : 0;
        int bi = bOff + pc * ldb + j, ci = cOff + i * ldc + j, bo = biasOff + j;
        int[] ra = rowAt;
        if (mr == WIDE_ROWS) {
            if (consecutive && i - i % MR + MR <= m) wideConsecutive4(kc, x, ra[i], colAt, pc, b, bi, ldb, c, ci, ldc, load, ep, bias, bo);
            else wide4(kc, x, ra[i], ra[i + 1], ra[i + 2], ra[i + 3], colAt, pc, b, bi, ldb, c, ci, ldc, load, ep, bias, bo);
        } else {
            for (int r = 0; r < mr; r++)
                for (int jj = 0; jj < WIDE_COLS; jj += NR)
                    row(kc, x, ra[i + r], colAt, pc, b, bi + jj, ldb, c, ci + r * ldc + jj, NR, load, ep, bias, bo + jj);
        }
    }

    /** One row of a partial tile: nr ≤ NR columns, masked. */
    private static void row(int kc, float[] x, int r0, int[] colAt, int pc, float[] b, int bi, int ldb, float[] c, int ci, int nr,
                            boolean load, int e, float[] bias, int bo) {
        VectorMask<Float> m0 = S.indexInRange(0, nr), m1 = S.indexInRange(V, nr);
        FloatVector z = FloatVector.zero(S), c0 = z, c1 = z;
        for (int p = pc, end = pc + kc; p < end; p++, bi += ldb) {
            FloatVector a = FloatVector.broadcast(S, x[r0 + colAt[p]]);
            c0 = a.fma(FloatVector.fromArray(S, b, bi, m0), c0);
            c1 = a.fma(FloatVector.fromArray(S, b, bi + V, m1), c1);
        }
        if (load) {
            c0 = c0.add(FloatVector.fromArray(S, c, ci, m0));
            c1 = c1.add(FloatVector.fromArray(S, c, ci + V, m1));
        }
        if ((e & E_BIAS) != 0) {
            c0 = c0.add(FloatVector.fromArray(S, bias, bo, m0));
            c1 = c1.add(FloatVector.fromArray(S, bias, bo + V, m1));
        }
        if ((e & E_RELU) != 0) {
            c0 = c0.max(z);
            c1 = c1.max(z);
        }
        c0.intoArray(c, ci, m0);
        c1.intoArray(c, ci + V, m1);
    }

    // The full tiles are near-copies of MicroKernels.dense8/dense6 with A broadcast from x through
    // the tables (one per tile height and table form): C2 keeps the accumulators in registers only
    // as locals of one method. The consecutive form's loads are one index plus constants, whose
    // array bounds checks C2 merges.

    private static void tile8(int kc, float[] x, int q0, int q1, int q2, int q3, int q4, int q5, int q6, int q7, int[] colAt, int pc, float[] b, int bi, int ldb, float[] c, int ci, int ldc,
                              boolean load, int e, float[] bias, int bo) {
        final FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        for (int p = pc, end = pc + kc; p < end; p++, bi += ldb) {
            final int o = colAt[p];
            FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + V);
            FloatVector a = FloatVector.broadcast(S, x[q0 + o]);
            c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, x[q1 + o]);
            c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, x[q2 + o]);
            c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, x[q3 + o]);
            c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, x[q4 + o]);
            c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, x[q5 + o]);
            c50 = a.fma(b0, c50); c51 = a.fma(b1, c51);
            a = FloatVector.broadcast(S, x[q6 + o]);
            c60 = a.fma(b0, c60); c61 = a.fma(b1, c61);
            a = FloatVector.broadcast(S, x[q7 + o]);
            c70 = a.fma(b0, c70); c71 = a.fma(b1, c71);
        }
        final int r0 = ci, r1 = ci + ldc, r2 = ci + 2 * ldc, r3 = ci + 3 * ldc, r4 = ci + 4 * ldc, r5 = ci + 5 * ldc, r6 = ci + 6 * ldc, r7 = ci + 7 * ldc;
        if (load) {
            c00 = c00.add(FloatVector.fromArray(S, c, r0)); c01 = c01.add(FloatVector.fromArray(S, c, r0 + V));
            c10 = c10.add(FloatVector.fromArray(S, c, r1)); c11 = c11.add(FloatVector.fromArray(S, c, r1 + V));
            c20 = c20.add(FloatVector.fromArray(S, c, r2)); c21 = c21.add(FloatVector.fromArray(S, c, r2 + V));
            c30 = c30.add(FloatVector.fromArray(S, c, r3)); c31 = c31.add(FloatVector.fromArray(S, c, r3 + V));
            c40 = c40.add(FloatVector.fromArray(S, c, r4)); c41 = c41.add(FloatVector.fromArray(S, c, r4 + V));
            c50 = c50.add(FloatVector.fromArray(S, c, r5)); c51 = c51.add(FloatVector.fromArray(S, c, r5 + V));
            c60 = c60.add(FloatVector.fromArray(S, c, r6)); c61 = c61.add(FloatVector.fromArray(S, c, r6 + V));
            c70 = c70.add(FloatVector.fromArray(S, c, r7)); c71 = c71.add(FloatVector.fromArray(S, c, r7 + V));
        }
        if ((e & E_BIAS) != 0) {
            FloatVector y0 = FloatVector.fromArray(S, bias, bo), y1 = FloatVector.fromArray(S, bias, bo + V);
            c00 = c00.add(y0); c01 = c01.add(y1);
            c10 = c10.add(y0); c11 = c11.add(y1);
            c20 = c20.add(y0); c21 = c21.add(y1);
            c30 = c30.add(y0); c31 = c31.add(y1);
            c40 = c40.add(y0); c41 = c41.add(y1);
            c50 = c50.add(y0); c51 = c51.add(y1);
            c60 = c60.add(y0); c61 = c61.add(y1);
            c70 = c70.add(y0); c71 = c71.add(y1);
        }
        if ((e & E_RELU) != 0) {
            c00 = c00.max(z); c01 = c01.max(z);
            c10 = c10.max(z); c11 = c11.max(z);
            c20 = c20.max(z); c21 = c21.max(z);
            c30 = c30.max(z); c31 = c31.max(z);
            c40 = c40.max(z); c41 = c41.max(z);
            c50 = c50.max(z); c51 = c51.max(z);
            c60 = c60.max(z); c61 = c61.max(z);
            c70 = c70.max(z); c71 = c71.max(z);
        }
        c00.intoArray(c, r0); c01.intoArray(c, r0 + V);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + V);
        c20.intoArray(c, r2); c21.intoArray(c, r2 + V);
        c30.intoArray(c, r3); c31.intoArray(c, r3 + V);
        c40.intoArray(c, r4); c41.intoArray(c, r4 + V);
        c50.intoArray(c, r5); c51.intoArray(c, r5 + V);
        c60.intoArray(c, r6); c61.intoArray(c, r6 + V);
        c70.intoArray(c, r7); c71.intoArray(c, r7 + V);
    }

    private static void tile6(int kc, float[] x, int q0, int q1, int q2, int q3, int q4, int q5, int[] colAt, int pc, float[] b, int bi, int ldb, float[] c, int ci, int ldc,
                              boolean load, int e, float[] bias, int bo) {
        final FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
        for (int p = pc, end = pc + kc; p < end; p++, bi += ldb) {
            final int o = colAt[p];
            FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + V);
            FloatVector a = FloatVector.broadcast(S, x[q0 + o]);
            c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, x[q1 + o]);
            c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, x[q2 + o]);
            c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, x[q3 + o]);
            c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, x[q4 + o]);
            c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, x[q5 + o]);
            c50 = a.fma(b0, c50); c51 = a.fma(b1, c51);
        }
        final int r0 = ci, r1 = ci + ldc, r2 = ci + 2 * ldc, r3 = ci + 3 * ldc, r4 = ci + 4 * ldc, r5 = ci + 5 * ldc;
        if (load) {
            c00 = c00.add(FloatVector.fromArray(S, c, r0)); c01 = c01.add(FloatVector.fromArray(S, c, r0 + V));
            c10 = c10.add(FloatVector.fromArray(S, c, r1)); c11 = c11.add(FloatVector.fromArray(S, c, r1 + V));
            c20 = c20.add(FloatVector.fromArray(S, c, r2)); c21 = c21.add(FloatVector.fromArray(S, c, r2 + V));
            c30 = c30.add(FloatVector.fromArray(S, c, r3)); c31 = c31.add(FloatVector.fromArray(S, c, r3 + V));
            c40 = c40.add(FloatVector.fromArray(S, c, r4)); c41 = c41.add(FloatVector.fromArray(S, c, r4 + V));
            c50 = c50.add(FloatVector.fromArray(S, c, r5)); c51 = c51.add(FloatVector.fromArray(S, c, r5 + V));
        }
        if ((e & E_BIAS) != 0) {
            FloatVector y0 = FloatVector.fromArray(S, bias, bo), y1 = FloatVector.fromArray(S, bias, bo + V);
            c00 = c00.add(y0); c01 = c01.add(y1);
            c10 = c10.add(y0); c11 = c11.add(y1);
            c20 = c20.add(y0); c21 = c21.add(y1);
            c30 = c30.add(y0); c31 = c31.add(y1);
            c40 = c40.add(y0); c41 = c41.add(y1);
            c50 = c50.add(y0); c51 = c51.add(y1);
        }
        if ((e & E_RELU) != 0) {
            c00 = c00.max(z); c01 = c01.max(z);
            c10 = c10.max(z); c11 = c11.max(z);
            c20 = c20.max(z); c21 = c21.max(z);
            c30 = c30.max(z); c31 = c31.max(z);
            c40 = c40.max(z); c41 = c41.max(z);
            c50 = c50.max(z); c51 = c51.max(z);
        }
        c00.intoArray(c, r0); c01.intoArray(c, r0 + V);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + V);
        c20.intoArray(c, r2); c21.intoArray(c, r2 + V);
        c30.intoArray(c, r3); c31.intoArray(c, r3 + V);
        c40.intoArray(c, r4); c41.intoArray(c, r4 + V);
        c50.intoArray(c, r5); c51.intoArray(c, r5 + V);
    }

    private static void consecutive8(int kc, float[] x, int q0, int[] colAt, int pc, float[] b, int bi, int ldb, float[] c, int ci, int ldc,
                              boolean load, int e, float[] bias, int bo) {
        final FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        for (int p = pc, end = pc + kc; p < end; p++, bi += ldb) {
            final int o = q0 + colAt[p];
            FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + V);
            FloatVector a = FloatVector.broadcast(S, x[o]);
            c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, x[o + 1]);
            c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, x[o + 2]);
            c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, x[o + 3]);
            c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, x[o + 4]);
            c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, x[o + 5]);
            c50 = a.fma(b0, c50); c51 = a.fma(b1, c51);
            a = FloatVector.broadcast(S, x[o + 6]);
            c60 = a.fma(b0, c60); c61 = a.fma(b1, c61);
            a = FloatVector.broadcast(S, x[o + 7]);
            c70 = a.fma(b0, c70); c71 = a.fma(b1, c71);
        }
        final int r0 = ci, r1 = ci + ldc, r2 = ci + 2 * ldc, r3 = ci + 3 * ldc, r4 = ci + 4 * ldc, r5 = ci + 5 * ldc, r6 = ci + 6 * ldc, r7 = ci + 7 * ldc;
        if (load) {
            c00 = c00.add(FloatVector.fromArray(S, c, r0)); c01 = c01.add(FloatVector.fromArray(S, c, r0 + V));
            c10 = c10.add(FloatVector.fromArray(S, c, r1)); c11 = c11.add(FloatVector.fromArray(S, c, r1 + V));
            c20 = c20.add(FloatVector.fromArray(S, c, r2)); c21 = c21.add(FloatVector.fromArray(S, c, r2 + V));
            c30 = c30.add(FloatVector.fromArray(S, c, r3)); c31 = c31.add(FloatVector.fromArray(S, c, r3 + V));
            c40 = c40.add(FloatVector.fromArray(S, c, r4)); c41 = c41.add(FloatVector.fromArray(S, c, r4 + V));
            c50 = c50.add(FloatVector.fromArray(S, c, r5)); c51 = c51.add(FloatVector.fromArray(S, c, r5 + V));
            c60 = c60.add(FloatVector.fromArray(S, c, r6)); c61 = c61.add(FloatVector.fromArray(S, c, r6 + V));
            c70 = c70.add(FloatVector.fromArray(S, c, r7)); c71 = c71.add(FloatVector.fromArray(S, c, r7 + V));
        }
        if ((e & E_BIAS) != 0) {
            FloatVector y0 = FloatVector.fromArray(S, bias, bo), y1 = FloatVector.fromArray(S, bias, bo + V);
            c00 = c00.add(y0); c01 = c01.add(y1);
            c10 = c10.add(y0); c11 = c11.add(y1);
            c20 = c20.add(y0); c21 = c21.add(y1);
            c30 = c30.add(y0); c31 = c31.add(y1);
            c40 = c40.add(y0); c41 = c41.add(y1);
            c50 = c50.add(y0); c51 = c51.add(y1);
            c60 = c60.add(y0); c61 = c61.add(y1);
            c70 = c70.add(y0); c71 = c71.add(y1);
        }
        if ((e & E_RELU) != 0) {
            c00 = c00.max(z); c01 = c01.max(z);
            c10 = c10.max(z); c11 = c11.max(z);
            c20 = c20.max(z); c21 = c21.max(z);
            c30 = c30.max(z); c31 = c31.max(z);
            c40 = c40.max(z); c41 = c41.max(z);
            c50 = c50.max(z); c51 = c51.max(z);
            c60 = c60.max(z); c61 = c61.max(z);
            c70 = c70.max(z); c71 = c71.max(z);
        }
        c00.intoArray(c, r0); c01.intoArray(c, r0 + V);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + V);
        c20.intoArray(c, r2); c21.intoArray(c, r2 + V);
        c30.intoArray(c, r3); c31.intoArray(c, r3 + V);
        c40.intoArray(c, r4); c41.intoArray(c, r4 + V);
        c50.intoArray(c, r5); c51.intoArray(c, r5 + V);
        c60.intoArray(c, r6); c61.intoArray(c, r6 + V);
        c70.intoArray(c, r7); c71.intoArray(c, r7 + V);
    }

    private static void consecutive6(int kc, float[] x, int q0, int[] colAt, int pc, float[] b, int bi, int ldb, float[] c, int ci, int ldc,
                              boolean load, int e, float[] bias, int bo) {
        final FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
        for (int p = pc, end = pc + kc; p < end; p++, bi += ldb) {
            final int o = q0 + colAt[p];
            FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + V);
            FloatVector a = FloatVector.broadcast(S, x[o]);
            c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, x[o + 1]);
            c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, x[o + 2]);
            c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, x[o + 3]);
            c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, x[o + 4]);
            c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, x[o + 5]);
            c50 = a.fma(b0, c50); c51 = a.fma(b1, c51);
        }
        final int r0 = ci, r1 = ci + ldc, r2 = ci + 2 * ldc, r3 = ci + 3 * ldc, r4 = ci + 4 * ldc, r5 = ci + 5 * ldc;
        if (load) {
            c00 = c00.add(FloatVector.fromArray(S, c, r0)); c01 = c01.add(FloatVector.fromArray(S, c, r0 + V));
            c10 = c10.add(FloatVector.fromArray(S, c, r1)); c11 = c11.add(FloatVector.fromArray(S, c, r1 + V));
            c20 = c20.add(FloatVector.fromArray(S, c, r2)); c21 = c21.add(FloatVector.fromArray(S, c, r2 + V));
            c30 = c30.add(FloatVector.fromArray(S, c, r3)); c31 = c31.add(FloatVector.fromArray(S, c, r3 + V));
            c40 = c40.add(FloatVector.fromArray(S, c, r4)); c41 = c41.add(FloatVector.fromArray(S, c, r4 + V));
            c50 = c50.add(FloatVector.fromArray(S, c, r5)); c51 = c51.add(FloatVector.fromArray(S, c, r5 + V));
        }
        if ((e & E_BIAS) != 0) {
            FloatVector y0 = FloatVector.fromArray(S, bias, bo), y1 = FloatVector.fromArray(S, bias, bo + V);
            c00 = c00.add(y0); c01 = c01.add(y1);
            c10 = c10.add(y0); c11 = c11.add(y1);
            c20 = c20.add(y0); c21 = c21.add(y1);
            c30 = c30.add(y0); c31 = c31.add(y1);
            c40 = c40.add(y0); c41 = c41.add(y1);
            c50 = c50.add(y0); c51 = c51.add(y1);
        }
        if ((e & E_RELU) != 0) {
            c00 = c00.max(z); c01 = c01.max(z);
            c10 = c10.max(z); c11 = c11.max(z);
            c20 = c20.max(z); c21 = c21.max(z);
            c30 = c30.max(z); c31 = c31.max(z);
            c40 = c40.max(z); c41 = c41.max(z);
            c50 = c50.max(z); c51 = c51.max(z);
        }
        c00.intoArray(c, r0); c01.intoArray(c, r0 + V);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + V);
        c20.intoArray(c, r2); c21.intoArray(c, r2 + V);
        c30.intoArray(c, r3); c31.intoArray(c, r3 + V);
        c40.intoArray(c, r4); c41.intoArray(c, r4 + V);
        c50.intoArray(c, r5); c51.intoArray(c, r5 + V);
    }


    private static void wide4(int kc, float[] x, int q0, int q1, int q2, int q3, int[] colAt, int pc, float[] b, int bi, int ldb, float[] c, int ci, int ldc,
                              boolean load, int e, float[] bias, int bo) {
        final FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z, c20 = z, c21 = z, c22 = z, c23 = z, c30 = z, c31 = z, c32 = z, c33 = z;
        for (int p = pc, end = pc + kc; p < end; p++, bi += ldb) {
            final int o = colAt[p];
            FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + V), b2 = FloatVector.fromArray(S, b, bi + 2 * V), b3 = FloatVector.fromArray(S, b, bi + 3 * V);
            FloatVector a = FloatVector.broadcast(S, x[q0 + o]);
            c00 = a.fma(b0, c00); c01 = a.fma(b1, c01); c02 = a.fma(b2, c02); c03 = a.fma(b3, c03);
            a = FloatVector.broadcast(S, x[q1 + o]);
            c10 = a.fma(b0, c10); c11 = a.fma(b1, c11); c12 = a.fma(b2, c12); c13 = a.fma(b3, c13);
            a = FloatVector.broadcast(S, x[q2 + o]);
            c20 = a.fma(b0, c20); c21 = a.fma(b1, c21); c22 = a.fma(b2, c22); c23 = a.fma(b3, c23);
            a = FloatVector.broadcast(S, x[q3 + o]);
            c30 = a.fma(b0, c30); c31 = a.fma(b1, c31); c32 = a.fma(b2, c32); c33 = a.fma(b3, c33);
        }
        final int r0 = ci, r1 = ci + ldc, r2 = ci + 2 * ldc, r3 = ci + 3 * ldc;
        if (load) {
            c00 = c00.add(FloatVector.fromArray(S, c, r0)); c01 = c01.add(FloatVector.fromArray(S, c, r0 + V)); c02 = c02.add(FloatVector.fromArray(S, c, r0 + 2 * V)); c03 = c03.add(FloatVector.fromArray(S, c, r0 + 3 * V));
            c10 = c10.add(FloatVector.fromArray(S, c, r1)); c11 = c11.add(FloatVector.fromArray(S, c, r1 + V)); c12 = c12.add(FloatVector.fromArray(S, c, r1 + 2 * V)); c13 = c13.add(FloatVector.fromArray(S, c, r1 + 3 * V));
            c20 = c20.add(FloatVector.fromArray(S, c, r2)); c21 = c21.add(FloatVector.fromArray(S, c, r2 + V)); c22 = c22.add(FloatVector.fromArray(S, c, r2 + 2 * V)); c23 = c23.add(FloatVector.fromArray(S, c, r2 + 3 * V));
            c30 = c30.add(FloatVector.fromArray(S, c, r3)); c31 = c31.add(FloatVector.fromArray(S, c, r3 + V)); c32 = c32.add(FloatVector.fromArray(S, c, r3 + 2 * V)); c33 = c33.add(FloatVector.fromArray(S, c, r3 + 3 * V));
        }
        if ((e & E_BIAS) != 0) {
            FloatVector y0 = FloatVector.fromArray(S, bias, bo), y1 = FloatVector.fromArray(S, bias, bo + V), y2 = FloatVector.fromArray(S, bias, bo + 2 * V), y3 = FloatVector.fromArray(S, bias, bo + 3 * V);
            c00 = c00.add(y0); c01 = c01.add(y1); c02 = c02.add(y2); c03 = c03.add(y3);
            c10 = c10.add(y0); c11 = c11.add(y1); c12 = c12.add(y2); c13 = c13.add(y3);
            c20 = c20.add(y0); c21 = c21.add(y1); c22 = c22.add(y2); c23 = c23.add(y3);
            c30 = c30.add(y0); c31 = c31.add(y1); c32 = c32.add(y2); c33 = c33.add(y3);
        }
        if ((e & E_RELU) != 0) {
            c00 = c00.max(z); c01 = c01.max(z); c02 = c02.max(z); c03 = c03.max(z);
            c10 = c10.max(z); c11 = c11.max(z); c12 = c12.max(z); c13 = c13.max(z);
            c20 = c20.max(z); c21 = c21.max(z); c22 = c22.max(z); c23 = c23.max(z);
            c30 = c30.max(z); c31 = c31.max(z); c32 = c32.max(z); c33 = c33.max(z);
        }
        c00.intoArray(c, r0); c01.intoArray(c, r0 + V); c02.intoArray(c, r0 + 2 * V); c03.intoArray(c, r0 + 3 * V);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + V); c12.intoArray(c, r1 + 2 * V); c13.intoArray(c, r1 + 3 * V);
        c20.intoArray(c, r2); c21.intoArray(c, r2 + V); c22.intoArray(c, r2 + 2 * V); c23.intoArray(c, r2 + 3 * V);
        c30.intoArray(c, r3); c31.intoArray(c, r3 + V); c32.intoArray(c, r3 + 2 * V); c33.intoArray(c, r3 + 3 * V);
    }

    private static void wideConsecutive4(int kc, float[] x, int q0, int[] colAt, int pc, float[] b, int bi, int ldb, float[] c, int ci, int ldc,
                              boolean load, int e, float[] bias, int bo) {
        final FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z, c20 = z, c21 = z, c22 = z, c23 = z, c30 = z, c31 = z, c32 = z, c33 = z;
        for (int p = pc, end = pc + kc; p < end; p++, bi += ldb) {
            final int o = q0 + colAt[p];
            FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + V), b2 = FloatVector.fromArray(S, b, bi + 2 * V), b3 = FloatVector.fromArray(S, b, bi + 3 * V);
            FloatVector a = FloatVector.broadcast(S, x[o]);
            c00 = a.fma(b0, c00); c01 = a.fma(b1, c01); c02 = a.fma(b2, c02); c03 = a.fma(b3, c03);
            a = FloatVector.broadcast(S, x[o + 1]);
            c10 = a.fma(b0, c10); c11 = a.fma(b1, c11); c12 = a.fma(b2, c12); c13 = a.fma(b3, c13);
            a = FloatVector.broadcast(S, x[o + 2]);
            c20 = a.fma(b0, c20); c21 = a.fma(b1, c21); c22 = a.fma(b2, c22); c23 = a.fma(b3, c23);
            a = FloatVector.broadcast(S, x[o + 3]);
            c30 = a.fma(b0, c30); c31 = a.fma(b1, c31); c32 = a.fma(b2, c32); c33 = a.fma(b3, c33);
        }
        final int r0 = ci, r1 = ci + ldc, r2 = ci + 2 * ldc, r3 = ci + 3 * ldc;
        if (load) {
            c00 = c00.add(FloatVector.fromArray(S, c, r0)); c01 = c01.add(FloatVector.fromArray(S, c, r0 + V)); c02 = c02.add(FloatVector.fromArray(S, c, r0 + 2 * V)); c03 = c03.add(FloatVector.fromArray(S, c, r0 + 3 * V));
            c10 = c10.add(FloatVector.fromArray(S, c, r1)); c11 = c11.add(FloatVector.fromArray(S, c, r1 + V)); c12 = c12.add(FloatVector.fromArray(S, c, r1 + 2 * V)); c13 = c13.add(FloatVector.fromArray(S, c, r1 + 3 * V));
            c20 = c20.add(FloatVector.fromArray(S, c, r2)); c21 = c21.add(FloatVector.fromArray(S, c, r2 + V)); c22 = c22.add(FloatVector.fromArray(S, c, r2 + 2 * V)); c23 = c23.add(FloatVector.fromArray(S, c, r2 + 3 * V));
            c30 = c30.add(FloatVector.fromArray(S, c, r3)); c31 = c31.add(FloatVector.fromArray(S, c, r3 + V)); c32 = c32.add(FloatVector.fromArray(S, c, r3 + 2 * V)); c33 = c33.add(FloatVector.fromArray(S, c, r3 + 3 * V));
        }
        if ((e & E_BIAS) != 0) {
            FloatVector y0 = FloatVector.fromArray(S, bias, bo), y1 = FloatVector.fromArray(S, bias, bo + V), y2 = FloatVector.fromArray(S, bias, bo + 2 * V), y3 = FloatVector.fromArray(S, bias, bo + 3 * V);
            c00 = c00.add(y0); c01 = c01.add(y1); c02 = c02.add(y2); c03 = c03.add(y3);
            c10 = c10.add(y0); c11 = c11.add(y1); c12 = c12.add(y2); c13 = c13.add(y3);
            c20 = c20.add(y0); c21 = c21.add(y1); c22 = c22.add(y2); c23 = c23.add(y3);
            c30 = c30.add(y0); c31 = c31.add(y1); c32 = c32.add(y2); c33 = c33.add(y3);
        }
        if ((e & E_RELU) != 0) {
            c00 = c00.max(z); c01 = c01.max(z); c02 = c02.max(z); c03 = c03.max(z);
            c10 = c10.max(z); c11 = c11.max(z); c12 = c12.max(z); c13 = c13.max(z);
            c20 = c20.max(z); c21 = c21.max(z); c22 = c22.max(z); c23 = c23.max(z);
            c30 = c30.max(z); c31 = c31.max(z); c32 = c32.max(z); c33 = c33.max(z);
        }
        c00.intoArray(c, r0); c01.intoArray(c, r0 + V); c02.intoArray(c, r0 + 2 * V); c03.intoArray(c, r0 + 3 * V);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + V); c12.intoArray(c, r1 + 2 * V); c13.intoArray(c, r1 + 3 * V);
        c20.intoArray(c, r2); c21.intoArray(c, r2 + V); c22.intoArray(c, r2 + 2 * V); c23.intoArray(c, r2 + 3 * V);
        c30.intoArray(c, r3); c31.intoArray(c, r3 + V); c32.intoArray(c, r3 + 2 * V); c33.intoArray(c, r3 + 3 * V);
    }

}
