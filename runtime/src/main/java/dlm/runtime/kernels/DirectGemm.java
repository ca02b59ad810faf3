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
 * stay in cache across its k blocks); its k blocks then walked in L1-sized sub-blocks, see {@link #kSub}).
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

    /**
     * With {@code kOuter} and wide tiles, each k block is walked in sub-blocks of this many k steps,
     * all of the chunk's row tiles per sub-block, each tile's running sums kept in a per-thread
     * scratch between sub-blocks (0: whole blocks). A wide tile's k block of b (up to KC rows of
     * {@code WIDE_COLS} floats: 64 KB with 16 lanes) does not stay in L1 while the row tiles go by, so
     * each tile re-read it from L2; a sub-block's (16 KB at 64 steps) does. The 8×2 and 6×2 tiles'
     * blocks (at most {@link Gemm#SMALL_B_FLOATS}) fit L1 whole and keep whole blocks. Storing and
     * reloading a sum is exact, so each element's FMA chain, and its bits, are unchanged.
     */
    static volatile int kSub = Integer.getInteger("dlm.conv.kSub", 64);

    private static final ThreadLocal<DirectGemm> LOCAL = ThreadLocal.withInitial(DirectGemm::new);

    private float[] x, b, c, bias;
    private int[] rowAt = new int[0], colAt = new int[0];
    private int m, n, k, bOff, ldb, cOff, ldc, biasOff, e;
    private boolean kOuter, consecutive;
    /** ks: the k sub-block's length (kcMax when blocks are walked whole; see {@link #kSub}). */
    private int kcMax, ks, rowTiles, chunks, ldS;
    /** Per pool part: the running sums of a chunk's rows between k sub-blocks (ldS floats a row). */
    private float[][] sums = new float[1][];
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
            ldS = Gemm.roundUp(n, NR);
            if (sums.length < parts) sums = java.util.Arrays.copyOf(sums, parts);
            int sumFloats = (rowTiles + chunks - 1) / chunks * MR * ldS;
            ks = subBlock(kOuter, n, kcMax);
            if (ks < kcMax)
                for (int t = 0; t < parts; t++) if (sums[t] == null || sums[t].length < sumFloats) sums[t] = new float[sumFloats];
            next.set(0);
            if (parts <= 1) run(0, 1);
            else KernelPool.run(parts, this);
        } finally {
            this.x = this.b = this.c = this.bias = null;
        }
    }

    /** The k sub-block's length for a product of n columns in k blocks of kcMax (kcMax: blocks whole; see {@link #kSub}). */
    static int subBlock(boolean kOuter, int n, int kcMax) {
        int sub = kSub;
        return kOuter && sub > 0 && wide && n >= WIDE_COLS && (long) kcMax * WIDE_COLS > Gemm.SMALL_B_FLOATS ? Math.min(sub, kcMax) : kcMax;
    }

    @Override
    public void run(int part, int parts) {
        for (int ch; (ch = next.getAndIncrement()) < chunks; ) {
            int t0 = (int) ((long) rowTiles * ch / chunks), t1 = (int) ((long) rowTiles * (ch + 1) / chunks);
            rowRange(t0 * MR, Math.min(m, t1 * MR), sums[part]);
        }
    }

    /**
     * Rows [i0, i1) in blocks of {@link Gemm#MC} rows (all at once with {@code kOuter}); in a block, k
     * block by k block, column tile by column tile, row tile by row tile (Goto's order: a k block of
     * one column tile of b, read in place, stays in L1 while the block's row tiles go by); a k block
     * in sub-blocks of {@link #ks} steps, the tiles' running sums in s (the chunk's rows, ldS floats
     * each) between them.
     */
    private void rowRange(int i0, int i1, float[] s) {
        int step = kOuter ? i1 - i0 : Gemm.MC;
        for (int ic = i0; ic < i1; ic += step) {
            int ie = Math.min(i1, ic + step);
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                int ks = Math.min(this.ks, kc);
                int wideEnd = wide ? n / WIDE_COLS * WIDE_COLS : 0;
                for (int ps = pc, end = pc + kc; ps < end; ps += ks) {
                    int len = Math.min(ks, end - ps);
                    boolean fromS = ps > pc, finish = ps + len == end;
                    for (int j = 0; j < wideEnd; j += WIDE_COLS)
                        for (int i = ic; i < ie; i += WIDE_ROWS) wideTile(i, Math.min(WIDE_ROWS, ie - i), j, pc, kc, ps, len, s, (i - ic) * ldS + j, fromS, finish);
                    for (int j = wideEnd; j < n; j += NR)
                        for (int i = ic; i < ie; i += MR) tile(i, Math.min(MR, ie - i), j, pc, kc, ps, len, s, (i - ic) * ldS + j, fromS, finish);
                }
            }
        }
    }

    /**
     * Rows [i, i + mr) × columns [j, j + NR) ∩ [0, n): the k steps [ps, ps + len) of the k block
     * [pc, pc + kc), starting from the running sums in s at si when {@code fromS} (else from zero),
     * and ending either in C (the block's last steps: {@code finish}) or back in s.
     */
    private void tile(int i, int mr, int j, int pc, int kc, int ps, int len, float[] s, int si, boolean fromS, boolean finish) {
        boolean load = pc > 0;
        int ep = pc + kc == k ? e : 0;
        int bi = bOff + ps * ldb + j, ci = cOff + i * ldc + j, bo = biasOff + j;
        int[] ra = rowAt;
        if (mr == MR && j + NR <= n) {
            if (consecutive) {
                if (MR == 8) consecutive8(len, x, ra[i], colAt, ps, b, bi, ldb, c, ci, ldc, s, si, ldS, fromS, finish, load, ep, bias, bo);
                else consecutive6(len, x, ra[i], colAt, ps, b, bi, ldb, c, ci, ldc, s, si, ldS, fromS, finish, load, ep, bias, bo);
            } else if (MR == 8) {
                tile8(len, x, ra[i], ra[i + 1], ra[i + 2], ra[i + 3], ra[i + 4], ra[i + 5], ra[i + 6], ra[i + 7],
                        colAt, ps, b, bi, ldb, c, ci, ldc, s, si, ldS, fromS, finish, load, ep, bias, bo);
            } else {
                tile6(len, x, ra[i], ra[i + 1], ra[i + 2], ra[i + 3], ra[i + 4], ra[i + 5],
                        colAt, ps, b, bi, ldb, c, ci, ldc, s, si, ldS, fromS, finish, load, ep, bias, bo);
            }
        } else {
            int nr = Math.min(NR, n - j);
            for (int r = 0; r < mr; r++) row(len, x, ra[i + r], colAt, ps, b, bi, ldb, c, ci + r * ldc, nr, s, si + r * ldS, fromS, finish, load, ep, bias, bo);
        }
    }

    /** Rows [i, i + mr) × columns [j, j + WIDE_COLS), as {@link #tile}. */
    private void wideTile(int i, int mr, int j, int pc, int kc, int ps, int len, float[] s, int si, boolean fromS, boolean finish) {
        boolean load = pc > 0;
        int ep = pc + kc == k ? e : 0;
        int bi = bOff + ps * ldb + j, ci = cOff + i * ldc + j, bo = biasOff + j;
        int[] ra = rowAt;
        if (mr == WIDE_ROWS) {
            if (consecutive && i - i % MR + MR <= m) wideConsecutive4(len, x, ra[i], colAt, ps, b, bi, ldb, c, ci, ldc, s, si, ldS, fromS, finish, load, ep, bias, bo);
            else wide4(len, x, ra[i], ra[i + 1], ra[i + 2], ra[i + 3], colAt, ps, b, bi, ldb, c, ci, ldc, s, si, ldS, fromS, finish, load, ep, bias, bo);
        } else {
            for (int r = 0; r < mr; r++)
                for (int jj = 0; jj < WIDE_COLS; jj += NR)
                    row(len, x, ra[i + r], colAt, ps, b, bi + jj, ldb, c, ci + r * ldc + jj, NR, s, si + r * ldS + jj, fromS, finish, load, ep, bias, bo + jj);
        }
    }

    /** One row of a partial tile: nr ≤ NR columns, masked (its running sums in s: two whole vectors). */
    private static void row(int kc, float[] x, int r0, int[] colAt, int pc, float[] b, int bi, int ldb, float[] c, int ci, int nr,
                            float[] s, int si, boolean fromS, boolean finish, boolean load, int e, float[] bias, int bo) {
        VectorMask<Float> m0 = S.indexInRange(0, nr), m1 = S.indexInRange(V, nr);
        FloatVector z = FloatVector.zero(S), c0 = z, c1 = z;
        if (fromS) {
            c0 = FloatVector.fromArray(S, s, si);
            c1 = FloatVector.fromArray(S, s, si + V);
        }
        for (int p = pc, end = pc + kc; p < end; p++, bi += ldb) {
            FloatVector a = FloatVector.broadcast(S, x[r0 + colAt[p]]);
            c0 = a.fma(FloatVector.fromArray(S, b, bi, m0), c0);
            c1 = a.fma(FloatVector.fromArray(S, b, bi + V, m1), c1);
        }
        if (!finish) {
            c0.intoArray(s, si);
            c1.intoArray(s, si + V);
            return;
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

    private static void tile8(int kc, float[] x, int q0, int q1, int q2, int q3, int q4, int q5, int q6, int q7, int[] colAt, int pc, float[] b, int bi, int ldb, float[] c, int ci, int ldc, float[] s, int si, int ldS, boolean fromS, boolean finish,
                              boolean load, int e, float[] bias, int bo) {
        final FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        if (fromS) {
            c00 = FloatVector.fromArray(S, s, si); c01 = FloatVector.fromArray(S, s, si + V);
            c10 = FloatVector.fromArray(S, s, si + ldS); c11 = FloatVector.fromArray(S, s, si + ldS + V);
            c20 = FloatVector.fromArray(S, s, si + 2 * ldS); c21 = FloatVector.fromArray(S, s, si + 2 * ldS + V);
            c30 = FloatVector.fromArray(S, s, si + 3 * ldS); c31 = FloatVector.fromArray(S, s, si + 3 * ldS + V);
            c40 = FloatVector.fromArray(S, s, si + 4 * ldS); c41 = FloatVector.fromArray(S, s, si + 4 * ldS + V);
            c50 = FloatVector.fromArray(S, s, si + 5 * ldS); c51 = FloatVector.fromArray(S, s, si + 5 * ldS + V);
            c60 = FloatVector.fromArray(S, s, si + 6 * ldS); c61 = FloatVector.fromArray(S, s, si + 6 * ldS + V);
            c70 = FloatVector.fromArray(S, s, si + 7 * ldS); c71 = FloatVector.fromArray(S, s, si + 7 * ldS + V);
        }
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
        if (!finish) {
            c00.intoArray(s, si); c01.intoArray(s, si + V);
            c10.intoArray(s, si + ldS); c11.intoArray(s, si + ldS + V);
            c20.intoArray(s, si + 2 * ldS); c21.intoArray(s, si + 2 * ldS + V);
            c30.intoArray(s, si + 3 * ldS); c31.intoArray(s, si + 3 * ldS + V);
            c40.intoArray(s, si + 4 * ldS); c41.intoArray(s, si + 4 * ldS + V);
            c50.intoArray(s, si + 5 * ldS); c51.intoArray(s, si + 5 * ldS + V);
            c60.intoArray(s, si + 6 * ldS); c61.intoArray(s, si + 6 * ldS + V);
            c70.intoArray(s, si + 7 * ldS); c71.intoArray(s, si + 7 * ldS + V);
            return;
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

    private static void tile6(int kc, float[] x, int q0, int q1, int q2, int q3, int q4, int q5, int[] colAt, int pc, float[] b, int bi, int ldb, float[] c, int ci, int ldc, float[] s, int si, int ldS, boolean fromS, boolean finish,
                              boolean load, int e, float[] bias, int bo) {
        final FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
        if (fromS) {
            c00 = FloatVector.fromArray(S, s, si); c01 = FloatVector.fromArray(S, s, si + V);
            c10 = FloatVector.fromArray(S, s, si + ldS); c11 = FloatVector.fromArray(S, s, si + ldS + V);
            c20 = FloatVector.fromArray(S, s, si + 2 * ldS); c21 = FloatVector.fromArray(S, s, si + 2 * ldS + V);
            c30 = FloatVector.fromArray(S, s, si + 3 * ldS); c31 = FloatVector.fromArray(S, s, si + 3 * ldS + V);
            c40 = FloatVector.fromArray(S, s, si + 4 * ldS); c41 = FloatVector.fromArray(S, s, si + 4 * ldS + V);
            c50 = FloatVector.fromArray(S, s, si + 5 * ldS); c51 = FloatVector.fromArray(S, s, si + 5 * ldS + V);
        }
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
        if (!finish) {
            c00.intoArray(s, si); c01.intoArray(s, si + V);
            c10.intoArray(s, si + ldS); c11.intoArray(s, si + ldS + V);
            c20.intoArray(s, si + 2 * ldS); c21.intoArray(s, si + 2 * ldS + V);
            c30.intoArray(s, si + 3 * ldS); c31.intoArray(s, si + 3 * ldS + V);
            c40.intoArray(s, si + 4 * ldS); c41.intoArray(s, si + 4 * ldS + V);
            c50.intoArray(s, si + 5 * ldS); c51.intoArray(s, si + 5 * ldS + V);
            return;
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

    private static void consecutive8(int kc, float[] x, int q0, int[] colAt, int pc, float[] b, int bi, int ldb, float[] c, int ci, int ldc, float[] s, int si, int ldS, boolean fromS, boolean finish,
                              boolean load, int e, float[] bias, int bo) {
        final FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        if (fromS) {
            c00 = FloatVector.fromArray(S, s, si); c01 = FloatVector.fromArray(S, s, si + V);
            c10 = FloatVector.fromArray(S, s, si + ldS); c11 = FloatVector.fromArray(S, s, si + ldS + V);
            c20 = FloatVector.fromArray(S, s, si + 2 * ldS); c21 = FloatVector.fromArray(S, s, si + 2 * ldS + V);
            c30 = FloatVector.fromArray(S, s, si + 3 * ldS); c31 = FloatVector.fromArray(S, s, si + 3 * ldS + V);
            c40 = FloatVector.fromArray(S, s, si + 4 * ldS); c41 = FloatVector.fromArray(S, s, si + 4 * ldS + V);
            c50 = FloatVector.fromArray(S, s, si + 5 * ldS); c51 = FloatVector.fromArray(S, s, si + 5 * ldS + V);
            c60 = FloatVector.fromArray(S, s, si + 6 * ldS); c61 = FloatVector.fromArray(S, s, si + 6 * ldS + V);
            c70 = FloatVector.fromArray(S, s, si + 7 * ldS); c71 = FloatVector.fromArray(S, s, si + 7 * ldS + V);
        }
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
        if (!finish) {
            c00.intoArray(s, si); c01.intoArray(s, si + V);
            c10.intoArray(s, si + ldS); c11.intoArray(s, si + ldS + V);
            c20.intoArray(s, si + 2 * ldS); c21.intoArray(s, si + 2 * ldS + V);
            c30.intoArray(s, si + 3 * ldS); c31.intoArray(s, si + 3 * ldS + V);
            c40.intoArray(s, si + 4 * ldS); c41.intoArray(s, si + 4 * ldS + V);
            c50.intoArray(s, si + 5 * ldS); c51.intoArray(s, si + 5 * ldS + V);
            c60.intoArray(s, si + 6 * ldS); c61.intoArray(s, si + 6 * ldS + V);
            c70.intoArray(s, si + 7 * ldS); c71.intoArray(s, si + 7 * ldS + V);
            return;
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

    private static void consecutive6(int kc, float[] x, int q0, int[] colAt, int pc, float[] b, int bi, int ldb, float[] c, int ci, int ldc, float[] s, int si, int ldS, boolean fromS, boolean finish,
                              boolean load, int e, float[] bias, int bo) {
        final FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
        if (fromS) {
            c00 = FloatVector.fromArray(S, s, si); c01 = FloatVector.fromArray(S, s, si + V);
            c10 = FloatVector.fromArray(S, s, si + ldS); c11 = FloatVector.fromArray(S, s, si + ldS + V);
            c20 = FloatVector.fromArray(S, s, si + 2 * ldS); c21 = FloatVector.fromArray(S, s, si + 2 * ldS + V);
            c30 = FloatVector.fromArray(S, s, si + 3 * ldS); c31 = FloatVector.fromArray(S, s, si + 3 * ldS + V);
            c40 = FloatVector.fromArray(S, s, si + 4 * ldS); c41 = FloatVector.fromArray(S, s, si + 4 * ldS + V);
            c50 = FloatVector.fromArray(S, s, si + 5 * ldS); c51 = FloatVector.fromArray(S, s, si + 5 * ldS + V);
        }
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
        if (!finish) {
            c00.intoArray(s, si); c01.intoArray(s, si + V);
            c10.intoArray(s, si + ldS); c11.intoArray(s, si + ldS + V);
            c20.intoArray(s, si + 2 * ldS); c21.intoArray(s, si + 2 * ldS + V);
            c30.intoArray(s, si + 3 * ldS); c31.intoArray(s, si + 3 * ldS + V);
            c40.intoArray(s, si + 4 * ldS); c41.intoArray(s, si + 4 * ldS + V);
            c50.intoArray(s, si + 5 * ldS); c51.intoArray(s, si + 5 * ldS + V);
            return;
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


    private static void wide4(int kc, float[] x, int q0, int q1, int q2, int q3, int[] colAt, int pc, float[] b, int bi, int ldb, float[] c, int ci, int ldc, float[] s, int si, int ldS, boolean fromS, boolean finish,
                              boolean load, int e, float[] bias, int bo) {
        final FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z, c20 = z, c21 = z, c22 = z, c23 = z, c30 = z, c31 = z, c32 = z, c33 = z;
        if (fromS) {
            c00 = FloatVector.fromArray(S, s, si); c01 = FloatVector.fromArray(S, s, si + V); c02 = FloatVector.fromArray(S, s, si + 2 * V); c03 = FloatVector.fromArray(S, s, si + 3 * V);
            c10 = FloatVector.fromArray(S, s, si + ldS); c11 = FloatVector.fromArray(S, s, si + ldS + V); c12 = FloatVector.fromArray(S, s, si + ldS + 2 * V); c13 = FloatVector.fromArray(S, s, si + ldS + 3 * V);
            c20 = FloatVector.fromArray(S, s, si + 2 * ldS); c21 = FloatVector.fromArray(S, s, si + 2 * ldS + V); c22 = FloatVector.fromArray(S, s, si + 2 * ldS + 2 * V); c23 = FloatVector.fromArray(S, s, si + 2 * ldS + 3 * V);
            c30 = FloatVector.fromArray(S, s, si + 3 * ldS); c31 = FloatVector.fromArray(S, s, si + 3 * ldS + V); c32 = FloatVector.fromArray(S, s, si + 3 * ldS + 2 * V); c33 = FloatVector.fromArray(S, s, si + 3 * ldS + 3 * V);
        }
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
        if (!finish) {
            c00.intoArray(s, si); c01.intoArray(s, si + V); c02.intoArray(s, si + 2 * V); c03.intoArray(s, si + 3 * V);
            c10.intoArray(s, si + ldS); c11.intoArray(s, si + ldS + V); c12.intoArray(s, si + ldS + 2 * V); c13.intoArray(s, si + ldS + 3 * V);
            c20.intoArray(s, si + 2 * ldS); c21.intoArray(s, si + 2 * ldS + V); c22.intoArray(s, si + 2 * ldS + 2 * V); c23.intoArray(s, si + 2 * ldS + 3 * V);
            c30.intoArray(s, si + 3 * ldS); c31.intoArray(s, si + 3 * ldS + V); c32.intoArray(s, si + 3 * ldS + 2 * V); c33.intoArray(s, si + 3 * ldS + 3 * V);
            return;
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

    private static void wideConsecutive4(int kc, float[] x, int q0, int[] colAt, int pc, float[] b, int bi, int ldb, float[] c, int ci, int ldc, float[] s, int si, int ldS, boolean fromS, boolean finish,
                              boolean load, int e, float[] bias, int bo) {
        final FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z, c20 = z, c21 = z, c22 = z, c23 = z, c30 = z, c31 = z, c32 = z, c33 = z;
        if (fromS) {
            c00 = FloatVector.fromArray(S, s, si); c01 = FloatVector.fromArray(S, s, si + V); c02 = FloatVector.fromArray(S, s, si + 2 * V); c03 = FloatVector.fromArray(S, s, si + 3 * V);
            c10 = FloatVector.fromArray(S, s, si + ldS); c11 = FloatVector.fromArray(S, s, si + ldS + V); c12 = FloatVector.fromArray(S, s, si + ldS + 2 * V); c13 = FloatVector.fromArray(S, s, si + ldS + 3 * V);
            c20 = FloatVector.fromArray(S, s, si + 2 * ldS); c21 = FloatVector.fromArray(S, s, si + 2 * ldS + V); c22 = FloatVector.fromArray(S, s, si + 2 * ldS + 2 * V); c23 = FloatVector.fromArray(S, s, si + 2 * ldS + 3 * V);
            c30 = FloatVector.fromArray(S, s, si + 3 * ldS); c31 = FloatVector.fromArray(S, s, si + 3 * ldS + V); c32 = FloatVector.fromArray(S, s, si + 3 * ldS + 2 * V); c33 = FloatVector.fromArray(S, s, si + 3 * ldS + 3 * V);
        }
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
        if (!finish) {
            c00.intoArray(s, si); c01.intoArray(s, si + V); c02.intoArray(s, si + 2 * V); c03.intoArray(s, si + 3 * V);
            c10.intoArray(s, si + ldS); c11.intoArray(s, si + ldS + V); c12.intoArray(s, si + ldS + 2 * V); c13.intoArray(s, si + ldS + 3 * V);
            c20.intoArray(s, si + 2 * ldS); c21.intoArray(s, si + 2 * ldS + V); c22.intoArray(s, si + 2 * ldS + 2 * V); c23.intoArray(s, si + 2 * ldS + 3 * V);
            c30.intoArray(s, si + 3 * ldS); c31.intoArray(s, si + 3 * ldS + V); c32.intoArray(s, si + 3 * ldS + 2 * V); c33.intoArray(s, si + 3 * ldS + 3 * V);
            return;
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
