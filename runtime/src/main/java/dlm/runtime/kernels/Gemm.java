package dlm.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision matrix product {@code C = e(op(A)·op(B) [+ C])} on row-major arrays with leading
 * dimensions, where {@code op(X)} is X or Xᵀ and e an optional fused {@link Epilogue} (bias, ReLU).
 * Transposes are handled while packing (or by swapping the operands' roles), never materialized.
 * This class is the API, the argument checks and the choice of path; the parts live beside it:
 * <ul>
 *   <li>{@link MicroKernels}: the {@link #MR}×{@link #NR} register tiles (MR rows × 2 vectors of
 *   {@link FloatVector#SPECIES_PREFERRED}), MR chosen for the register file: 8 rows with 32 vector
 *   registers (AVX-512, AArch64), 6 with 16 (AVX2).</li>
 *   <li>{@link GemmCall}: one product described for any thread, and how it is shared out among the
 *   {@link KernelPool}'s threads.</li>
 *   <li>{@link PackedPath}: Goto/BLIS blocking — columns of op(B) in blocks of {@link #NC}, k in
 *   balanced blocks of at most {@link #KC} (784 → 4 × 196), rows of op(A) in blocks of {@link #MC};
 *   op(B)'s block packed into NR-wide panels (a KC×NR micro-panel stays in L1 while the kernel walks
 *   the A panels), op(A)'s into MR-row panels (in L2); with few rows (at most
 *   {@link #IN_PLACE_MAX_ROWS}) op(B) is read in place when its rows are contiguous. Threads: see
 *   {@link GemmCall}.</li>
 *   <li>{@link Packing}: the panels, and the compaction of zero k steps.</li>
 *   <li>{@link NarrowKernels}: narrow results (n ≤ 2·V and n &lt; {@link #SMALL_N}) of {@code A·B}
 *   and {@code A·Bᵀ}, each row of C one or two vectors, A's elements broadcast straight from A
 *   (packing A would cost as much as the product). {@code Aᵀ·B} and {@code Aᵀ·Bᵀ} with narrow
 *   results compute Cᵀ = op(B)ᵀ·op(A)ᵀ on the packed path, m in the vector lanes, and store the
 *   tiles transposed.</li>
 * </ul>
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li><b>Same bits everywhere.</b> Every element of C is the same sequence of operations: FMAs in
 *   k order from zero within a k block (no reduction across vector lanes, whose order could change
 *   between JIT tiers), the blocks added in order to C, then the bias and the ReLU. Partial tiles
 *   run the same kernel into a scratch tile. So the result does not depend on the thread count,
 *   the parallel mode, the register tile or the vector width — only on {@link #KC}, which is
 *   therefore a constant, not derived from the cache sizes: a model trains to the same bits on
 *   every CPU. (The narrow path has no k blocks, so for k &gt; KC it agrees with the others up to
 *   rounding, not bit for bit.) MC and NC only order the loops; their defaults suit the caches of
 *   both machine kinds (an MC×KC block of op(A), 256 KB, fits Zen 3's 512 KB L2 and Sapphire
 *   Rapids' 2 MB).</li>
 *   <li><b>Zero steps skipped</b> (op(A) from a {@link PackA}, i.e. the u8 table operand of a
 *   model's first layer, and not accumulating): each packed A panel is compacted to the k steps
 *   where its MR values are not all zero ({@link Packing#compactPanels}), and the kernel runs over
 *   those only. A skipped step would add 0·b = ±0, which changes nothing, so the result is the
 *   dense one bit for bit, with one exception: when the accumulator is itself -0 (possible only
 *   after a product that underflowed to -0), the dense sum turns it into +0 and the skipping one
 *   keeps -0; both are exact zeros. That needs op(B) finite: its packing checks it, and a product
 *   with an infinite or NaN op(B) is redone densely, so 0·inf = NaN propagates.</li>
 *   <li><b>No allocation</b> in a steady stream of calls: packing buffers are per thread and grow
 *   on demand.</li>
 * </ul>
 *
 * <p>Accuracy: |error| ≤ about k·u·Σ|a·b| (u = 2⁻²⁴), the usual bound for float dot products.
 * Why each threshold has its value is measured and recorded in {@code bench/README.md}.
 *
 * <p>Tuning properties (read once): {@code dlm.gemm.kc}, {@code dlm.gemm.mc}, {@code dlm.gemm.nc},
 * {@code dlm.gemm.smallN}, {@code dlm.gemm.inPlaceRows}, {@code dlm.gemm.chunks},
 * {@code dlm.gemm.parMin}, {@code dlm.gemm.sharedMaxFloats}, {@code dlm.gemm.noZeroSkip},
 * {@code dlm.gemm.registers} (16 or 32: the register tile); the thread count is {@code dlm.threads}
 * (see {@link KernelPool}).
 */
public final class Gemm {
    static final VectorSpecies<Float> S = MicroKernels.S;
    static final int V = MicroKernels.V;
    /** Rows of the register tile (chosen for the register file: {@link MicroKernels}). */
    public static final int MR = MicroKernels.MR;
    /** Columns of the register tile: two vectors. */
    public static final int NR = MicroKernels.NR;
    /** Largest k block. */
    static final int KC = Integer.getInteger("dlm.gemm.kc", 256);
    /** Rows of op(A) packed at once (a multiple of MR). */
    static final int MC = roundUp(Integer.getInteger("dlm.gemm.mc", 256), MR);
    /** Columns of op(B) packed at once (a multiple of NR). */
    static final int NC = roundUp(Integer.getInteger("dlm.gemm.nc", 1024), NR);
    /** Results narrower than this use the narrow / transposed paths. */
    static final int SMALL_N = Integer.getInteger("dlm.gemm.smallN", 32);
    /** Results with at most this many rows read op(B) in place (when its rows are contiguous) instead of packing it. */
    static final int IN_PLACE_MAX_ROWS = Integer.getInteger("dlm.gemm.inPlaceRows", 2 * MR);
    /** A packed B block of at most this many floats (32 KB) fits L1 whole. */
    static final int SMALL_B_FLOATS = 8192;
    /** Row chunks per thread in the shared parallel mode (dynamic balance vs re-reading op(B)). */
    static final int CHUNKS_PER_THREAD = Integer.getInteger("dlm.gemm.chunks", 4);
    /** Problems with fewer flops (2·m·n·k) run single-threaded (see the class comment). */
    static final long PARALLEL_MIN_FLOPS = Long.getLong("dlm.gemm.parMin", 4_000_000L);
    /** The threshold in force; tests lower it to reach the parallel code with small shapes. */
    static volatile long parallelMinFlops = PARALLEL_MIN_FLOPS;
    /**
     * The shared parallel mode packs one operand once for all threads, and every chunk re-reads it
     * whole; beyond this many floats (1 MB) it no longer stays in cache between chunks, and the
     * phased mode (or, with few rows, a static split) takes over.
     */
    static final long SHARED_MAX_FLOATS = Long.getLong("dlm.gemm.sharedMaxFloats", 1L << 18);
    /** The limit in force; tests change it to reach the shared and the other parallel modes with the same shapes. */
    static volatile long sharedMaxFloats = SHARED_MAX_FLOATS;
    /** Rows of C a thread claims at a time in the phased mode: whole MR-row panels (a chunk is packed into a buffer of this many rows). */
    static final int PHASED_CHUNK_ROWS = roundUp(64, MR);
    /** The phased mode needs enough row chunks to share out (4 per thread on 2 threads). */
    static final int PHASED_MIN_ROW_TILES = 8 * PHASED_CHUNK_ROWS / MR;
    /** The threshold in force; tests lower it to reach the phased mode with small shapes. */
    static volatile int phasedMinRowTiles = PHASED_MIN_ROW_TILES;

    /**
     * Whether products whose op(A) comes from a packer ({@link PackA}: the u8 table operand) skip the
     * k steps at which a packed A panel is all zeros (see {@link Packing#compactPanels}); tests and
     * benchmarks turn it off to compare.
     */
    static volatile boolean skipZeroSteps = !Boolean.getBoolean("dlm.gemm.noZeroSkip");

    static final int E_BIAS = MicroKernels.E_BIAS, E_RELU = MicroKernels.E_RELU;

    private Gemm() {}

    // ============================================================================================
    // public API
    // ============================================================================================

    /** {@code C = op(A)·op(B)}, or {@code C += op(A)·op(B)} when accumulating. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, null, 0, Epilogue.NONE);
    }

    /**
     * {@code C = e(op(A)·op(B) [+ C])}: row-major matrices, op(A) is m×k (A is stored m×k, or k×m when
     * {@code transA}), op(B) is k×n (B stored k×n, or n×k when {@code transB}), C is m×n; element
     * (i, j) of a matrix X is {@code x[xOff + i·ldx + j]}. With k = 0 the product is zero. The
     * epilogue's bias, when it has one, is {@code bias[biasOff .. biasOff + n)}.
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, boolean accumulate,
                             float[] bias, int biasOff, Epilogue epilogue) {
        checkDims(m, n, k);
        checkMatrix("A", a, aOff, lda, transA ? k : m, transA ? m : k);
        checkCommon(transB, m, n, k, b, bOff, ldb, c, cOff, ldc, bias, biasOff, epilogue);
        if (m == 0 || n == 0) return;
        int e = epilogue.ordinal();
        if (k == 0) {
            fillEmpty(m, n, c, cOff, ldc, accumulate, e, bias, biasOff);
            return;
        }
        GemmCall call = Scratch.get().call;
        if (n <= 2 * V && n < SMALL_N && !transA) {
            call.setNarrow(m, n, k, a, aOff, lda, transB, b, bOff, ldb, c, cOff, ldc, accumulate, e, bias, biasOff);
        } else if (n < SMALL_N) {
            // C^T (n×m) = op(B)^T · op(A)^T, with m in the vector lanes; op(A)^T(p, i) is row-contiguous when transA.
            call.setPacked(n, m, k, null, b, bOff, transB ? ldb : 1, transB ? 1 : ldb,
                    a, aOff, transA ? lda : 1, transA ? 1 : lda, c, cOff, 1, ldc, accumulate, e, bias, biasOff, true);
        } else {
            call.setPacked(m, n, k, null, a, aOff, transA ? 1 : lda, transA ? lda : 1,
                    b, bOff, transB ? 1 : ldb, transB ? ldb : 1, c, cOff, ldc, 1, accumulate, e, bias, biasOff, false);
        }
        call.execute(m, n, k);
    }

    /**
     * As {@link #sgemm(boolean, boolean, int, int, int, float[], int, int, float[], int, int, float[], int, int, boolean, float[], int, Epilogue)}
     * with op(A) (m×k) supplied by a packer.
     */
    public static void sgemm(PackA a, boolean transB, int m, int n, int k, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, boolean accumulate,
                             float[] bias, int biasOff, Epilogue epilogue) {
        checkDims(m, n, k);
        checkCommon(transB, m, n, k, b, bOff, ldb, c, cOff, ldc, bias, biasOff, epilogue);
        if (m == 0 || n == 0) return;
        int e = epilogue.ordinal();
        if (k == 0) {
            fillEmpty(m, n, c, cOff, ldc, accumulate, e, bias, biasOff);
            return;
        }
        GemmCall call = Scratch.get().call;
        call.setPacked(m, n, k, a, null, 0, 0, 0,
                b, bOff, transB ? 1 : ldb, transB ? ldb : 1, c, cOff, ldc, 1, accumulate, e, bias, biasOff, false);
        call.execute(m, n, k);
    }

    /**
     * The definition, for tests: a plain triple loop accumulating in double, then
     * {@code C = e((float) (sum [+ C]))}.
     */
    public static void sgemmReference(boolean transA, boolean transB, int m, int n, int k,
                                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                      float[] c, int cOff, int ldc, boolean accumulate,
                                      float[] bias, int biasOff, Epilogue epilogue) {
        checkDims(m, n, k);
        checkMatrix("A", a, aOff, lda, transA ? k : m, transA ? m : k);
        checkCommon(transB, m, n, k, b, bOff, ldb, c, cOff, ldc, bias, biasOff, epilogue);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double x = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    double y = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += x * y;
                }
                int ci = cOff + i * ldc + j;
                if (accumulate) s += c[ci];
                if (epilogue.hasBias()) s += bias[biasOff + j];
                float v = (float) s;
                c[ci] = epilogue.hasRelu() ? Math.max(0f, v) : v;
            }
        }
    }

    /** {@link #sgemmReference} without an epilogue. */
    public static void sgemmReference(boolean transA, boolean transB, int m, int n, int k,
                                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                      float[] c, int cOff, int ldc, boolean accumulate) {
        sgemmReference(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, null, 0, Epilogue.NONE);
    }

    // ============================================================================================
    // argument checks
    // ============================================================================================

    private static void checkDims(int m, int n, int k) {
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException("negative dimension: m=" + m + " n=" + n + " k=" + k);
    }

    private static void checkCommon(boolean transB, int m, int n, int k, float[] b, int bOff, int ldb,
                                    float[] c, int cOff, int ldc, float[] bias, int biasOff, Epilogue e) {
        checkMatrix("B", b, bOff, ldb, transB ? n : k, transB ? k : n);
        checkMatrix("C", c, cOff, ldc, m, n);
        if (e == null) throw new NullPointerException("epilogue");
        if (e.hasBias() && n > 0) {
            if (bias == null) throw new NullPointerException("bias (epilogue " + e + ")");
            if (biasOff < 0 || (long) biasOff + n > bias.length)
                throw new IndexOutOfBoundsException("bias[" + biasOff + " .. " + ((long) biasOff + n) + ") out of an array of " + bias.length);
        }
    }

    private static void checkMatrix(String name, float[] x, int off, int ld, int rows, int cols) {
        if (rows == 0 || cols == 0) return;
        if (x == null) throw new NullPointerException(name);
        if (ld < cols) throw new IllegalArgumentException("ld" + name.toLowerCase() + "=" + ld + " < " + cols + " columns of " + name);
        long last = (long) off + (long) (rows - 1) * ld + cols - 1;
        if (off < 0 || last >= x.length)
            throw new IndexOutOfBoundsException(name + " (" + rows + "x" + cols + ", offset " + off + ", ld " + ld
                    + ") needs elements up to " + last + ", the array has " + x.length);
    }

    private static void fillEmpty(int m, int n, float[] c, int cOff, int ldc, boolean acc, int e, float[] bias, int biasOff) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int ci = cOff + i * ldc + j;
                c[ci] = epi(acc ? c[ci] : 0f, e, bias, biasOff + j);
            }
        }
    }

    static float epi(float v, int e, float[] bias, int bi) {
        if ((e & E_BIAS) != 0) v += bias[bi];
        return (e & E_RELU) != 0 ? Math.max(0f, v) : v;
    }

    static int roundUp(int x, int q) {
        return (x + q - 1) / q * q;
    }

    // ============================================================================================
    // per-thread scratch and the call object shared with the pool
    // ============================================================================================

    static final class Scratch {
        private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

        float[] packA = new float[0];
        float[] packB = new float[0];
        float[] bt = new float[0];
        final float[] tile = new float[Math.max(MR * NR, 16 * V)];
        final GemmCall call = new GemmCall();

        static Scratch get() { return LOCAL.get(); }

        float[] packA(int n) { return packA.length >= n ? packA : (packA = new float[n]); }

        float[] packB(int n) { return packB.length >= n ? packB : (packB = new float[n]); }

        float[] bt(int n) { return bt.length >= n ? bt : (bt = new float[n]); }

        float[] shared = new float[0];

        float[] shared(int n) { return shared.length >= n ? shared : (shared = new float[n]); }

        // Beside packA and shared, for compacted panels (see compactPanels): the kept k steps of the
        // panel at float offset o are kIdx[o / MR ...], their count kCnt[o / MR].
        int[] packAK = new int[0], packACnt = new int[0], sharedK = new int[0], sharedCnt = new int[0];

        void packAIndex(int floats) {
            if (packAK.length < floats / MR + 1) {
                packAK = new int[floats / MR + 1];
                packACnt = new int[floats / MR + 1];
            }
        }

        void sharedIndex(int floats) {
            if (sharedK.length < floats / MR + 1) {
                sharedK = new int[floats / MR + 1];
                sharedCnt = new int[floats / MR + 1];
            }
        }
    }

}
