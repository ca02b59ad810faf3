package dlm.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision matrix product {@code C = e(op(A)·op(B) [+ C])} on row-major arrays with leading
 * dimensions, where {@code op(X)} is X or Xᵀ and e an optional fused {@link Epilogue} (bias, ReLU).
 * Transposes are handled while packing (or by swapping the operands' roles), never materialized.
 *
 * <h2>Design</h2>
 * <ul>
 *   <li><b>Micro-kernel:</b> an {@link #MR}×{@link #NR} register tile: 8 rows × 2 vectors of
 *   {@link FloatVector#SPECIES_PREFERRED} (8×32 with AVX-512: 16 zmm accumulators, 2 B loads and 8
 *   broadcasts of A per 16 FMAs). The whole k loop, the accumulation into C and the epilogue are one
 *   method, so C2 keeps every vector in a register. Measured alone on packed data, it runs at the
 *   machine's FMA peak when its B micro-panel fits L1.</li>
 *   <li><b>Blocking (Goto/BLIS order):</b> columns of op(B) in blocks of {@link #NC} = 1024, k in
 *   balanced blocks of at most {@link #KC} = 256 (784 → 4 × 196), rows of op(A) in blocks of
 *   {@link #MC} = 256. op(B)'s block is packed into NR-wide panels (zero padded, KC×32 floats = 32 KB,
 *   held in L1 while the kernel walks the A panels), op(A)'s block into MR-row panels (in L2).
 *   Packing copies whole vectors where the source is contiguous along the panel (B rows, Aᵀ), and
 *   gathers element by element otherwise.</li>
 *   <li><b>Few rows</b> (at most {@link #IN_PLACE_MAX_ROWS}): op(B) is read in place when its rows
 *   are contiguous, since packing it would cost about as much as the product.</li>
 *   <li><b>Narrow results</b> (n ≤ 2·V and n &lt; {@link #SMALL_N}): {@code A·B} and {@code A·Bᵀ}
 *   compute each row of C as one or two vectors, 8 rows at a time, broadcasting A's elements
 *   straight from A (A is not packed: for the model's 128×512·512×10 packing A would cost as much as
 *   the product) against op(B) packed k×16 (masked vector copies of B's rows), and write C with
 *   masked vector stores, the epilogue in vectors (these two replaced scalar loops: 1.2-1.3× on
 *   128×512·512×10). Measured and rejected there: 16 rows at a time (0.62×: 16 row pointers do
 *   not fit x86's 16 general registers), and k in the lanes (8 rows × 2 columns of V partial sums,
 *   reduced by a fixed shuffle tree: 0.8×, the reductions and the transposed packing of B cost
 *   more than the 6 idle lanes of 16). {@code Aᵀ·B} and {@code Aᵀ·Bᵀ} compute
 *   Cᵀ = op(B)ᵀ·op(A)ᵀ with the packed kernel, the long m dimension in the vector lanes and A's rows
 *   read in place, and store the tiles transposed.</li>
 *   <li><b>Zero steps skipped</b> (op(A) from a {@link PackA}, i.e. the u8 table operand of a
 *   model's first layer, and not accumulating): after packing, each A panel is compacted to the k
 *   steps where its 8 values are not all zero ({@link #compactPanels}), and {@link #kernelSkipping}
 *   runs over those only, reading op(B)'s rows by index. MNIST's pixels are 81% zero: x·W1 keeps
 *   47% of its steps (a pixel goes when it is 0 in all 8 images of a panel), xᵀ·dz 40%; the
 *   train step went from 2315 to 1839 µs (in-process A/B). A skipped step would add 0·b = ±0 to
 *   the accumulator, which changes nothing, so the result is bit for bit the dense one — with
 *   one exception: when the accumulator is itself -0 (possible only after a product that
 *   underflowed to -0), the dense sum turns it into +0 and the skipping one keeps -0; both are
 *   exact zeros. That needs op(B) finite: its packing checks it, and a product with an infinite
 *   or NaN op(B) is redone densely, so 0·inf = NaN propagates as it should. Compacting in the
 *   same pass as the table packing was measured slower (the packing loop no longer streams).</li>
 *   <li><b>Edges:</b> partial tiles run the same kernel into a small scratch tile and are copied
 *   out, so every element of C is computed by the same arithmetic whatever the tiling or the
 *   threading: parallel results are <em>bitwise identical</em> to single-threaded ones (and to
 *   themselves from run to run: no reductions across vector lanes, whose order could change between
 *   JIT tiers).</li>
 *   <li><b>Threads</b> ({@link KernelPool}): problems of at least {@link #PARALLEL_MIN_FLOPS} = 4
 *   MFLOP run on all threads, smaller ones on the caller (measured: the model's 1.3 MFLOP products
 *   take ~15-25 µs, comparable to a wake-up on a busy machine, and lose with 2 threads; OpenBLAS
 *   does not gain on them either). With one column block (n ≤ NC), and a shared operand whose
 *   packing fits {@link #SHARED_MAX_FLOATS} (1 MB), the threads first pack one
 *   operand together, in units claimed from a counter, then claim chunks of the other dimension
 *   ({@link #CHUNKS_PER_THREAD} per thread), each chunk packing its own part of the other operand:
 *   with m ≤ n (the batch of 128 rows) op(A) is shared and columns are chunked, otherwise op(B) is
 *   shared and rows are chunked. Dynamic chunks keep both cores busy when one of them is slowed
 *   by other work. Bigger operands (1024³) run in phases instead (Goto's order): for each k
 *   block, the threads pack op(B)'s block together, then claim chunks of 64 rows, each packing
 *   its own op(A) block; a phase starts when the previous one's chunks are done, and nothing
 *   waits for a particular thread (1024³ on 2 threads, interleaved with the static split in one
 *   JVM: medians 204/135/199 against 187/137/174 GFLOP/s; sharing the whole operand instead gave
 *   213-234). Results with few rows and many columns split columns or rows statically.</li>
 *   <li><b>Memory:</b> packing buffers are per thread and grow on demand; a steady stream of calls
 *   of the same shapes allocates nothing.</li>
 * </ul>
 *
 * <p>Accuracy: each element is a float sum of fused multiply-adds in k order within a k block, the
 * blocks added in order: |error| ≤ about k·u·Σ|a·b| (u = 2⁻²⁴), the usual bound for float dot
 * products.
 *
 * <p>Tuning properties (read once): {@code dlm.gemm.kc}, {@code dlm.gemm.mc}, {@code dlm.gemm.nc},
 * {@code dlm.gemm.smallN}, {@code dlm.gemm.inPlaceRows}, {@code dlm.gemm.chunks},
 * {@code dlm.gemm.parMin}, {@code dlm.gemm.sharedMaxFloats}, {@code dlm.gemm.noZeroSkip}; the thread count is {@code dlm.threads} (see {@link KernelPool}).
 * On AVX2 (8-lane vectors) the 8×16 tile is correct but needs more than the 16 ymm registers.
 */
public final class Gemm {
    static final VectorSpecies<Float> S = MicroKernels.S;
    static final int V = MicroKernels.V;
    /** Holds one k step of a packed A panel (MR ≤ 8 floats). */
    private static final VectorSpecies<Float> PANEL = FloatVector.SPECIES_256;
    /** The lanes of {@link #PANEL} that one k step of a packed A panel fills. */
    private static final VectorMask<Float> PANEL_STEP = PANEL.indexInRange(0, MicroKernels.MR);
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
     * whole; beyond this many floats (1 MB, half a core's L2) it no longer stays in cache between
     * chunks, and the phased mode (or, with few rows, a static split) takes over (1024³ on 2
     * threads: 250-273 GFLOP/s split statically against 213-234 shared).
     */
    static final long SHARED_MAX_FLOATS = Long.getLong("dlm.gemm.sharedMaxFloats", 1L << 18);
    /** The limit in force; tests change it to reach the shared and the other parallel modes with the same shapes. */
    static volatile long sharedMaxFloats = SHARED_MAX_FLOATS;
    /**
     * Rows of C a thread claims at a time in the phased mode (1024³ on 2 threads, interleaved in
     * one JVM: 64 rows 3-5% faster than 128 in the median, 32 within 1-3% of 64).
     */
    static final int PHASED_CHUNK_ROWS = 64;
    /** The phased mode needs enough row chunks to share out (4 per thread on 2 threads). */
    static final int PHASED_MIN_ROW_TILES = 8 * PHASED_CHUNK_ROWS / MR;
    /** The threshold in force; tests lower it to reach the phased mode with small shapes. */
    static volatile int phasedMinRowTiles = PHASED_MIN_ROW_TILES;

    /**
     * Whether products whose op(A) comes from a packer ({@link PackA}: the u8 table operand) skip the
     * k steps at which a packed A panel is all zeros (see {@link #compactPanels}); tests and
     * benchmarks turn it off to compare.
     */
    static volatile boolean skipZeroSteps = !Boolean.getBoolean("dlm.gemm.noZeroSkip");

    private static final int E_BIAS = MicroKernels.E_BIAS, E_RELU = MicroKernels.E_RELU;

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
        Call call = Scratch.get().call;
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
        Call call = Scratch.get().call;
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

    private static float epi(float v, int e, float[] bias, int bi) {
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
        final Call call = new Call();

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

    /** One product, described so that any thread can compute any part of it. */
    static final class Call implements KernelPool.Job {
        boolean narrow;
        // result O (rows × cols) of the packed path, stored at c[cOff + i·ors + j·ocs]
        int rows, cols, k;
        PackA lp;
        float[] la; int lOff, lrs, lcs;     // L(i, p) = la[lOff + i·lrs + p·lcs]
        float[] ra; int rOff, rrs, rcs;     // R(p, j) = ra[rOff + p·rrs + j·rcs]
        float[] c; int cOff, ors, ocs;
        boolean acc; int e; float[] bias; int biasOff; boolean biasOnRows;
        // Skip all-zero k steps of op(A)'s panels (PackA operands, not accumulating). Exact only when
        // op(B) is finite; a packing that finds it is not sets nonFinite and the product is redone densely.
        boolean skip;
        volatile boolean nonFinite;
        int[] sharedK, sharedCnt;
        boolean splitCols;
        // phased mode (big operands): for each (column block, k block) in turn, all threads pack
        // the op(B) block together, then claim row chunks, each packing its own op(A) block
        boolean phased;
        int phases, phaseUnits, phaseChunks, phaseChunkRows, phaseUnitCols;
        final java.util.concurrent.atomic.AtomicIntegerArray phasePackNext = new java.util.concurrent.atomic.AtomicIntegerArray(64),
                phasePackDone = new java.util.concurrent.atomic.AtomicIntegerArray(64),
                phaseChunkNext = new java.util.concurrent.atomic.AtomicIntegerArray(64),
                phaseChunkDone = new java.util.concurrent.atomic.AtomicIntegerArray(64);
        // shared mode (parallel, one column block): op(B) (or op(A) when shareA) packed once into
        // sharedBuf by all threads, then chunks of rows (or columns) claimed one by one
        boolean shared;
        boolean shareA;
        float[] sharedBuf; int kcMax, kBlocks, blockStride, groups, groupSize, packUnits, chunkSize, chunks;
        final java.util.concurrent.atomic.AtomicInteger packNext = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger packDone = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger chunkNext = new java.util.concurrent.atomic.AtomicInteger();
        // narrow path: C rows = A rows · P, P = op(B) packed k × nrs
        float[] a; int aOff, lda; float[] bt; int nrs; int ldc;

        void setPacked(int rows, int cols, int k, PackA lp, float[] la, int lOff, int lrs, int lcs,
                       float[] ra, int rOff, int rrs, int rcs, float[] c, int cOff, int ors, int ocs,
                       boolean acc, int e, float[] bias, int biasOff, boolean transposedOut) {
            this.narrow = false;
            this.rows = rows; this.cols = cols; this.k = k;
            this.lp = lp; this.la = la; this.lOff = lOff; this.lrs = lrs; this.lcs = lcs;
            this.ra = ra; this.rOff = rOff; this.rrs = rrs; this.rcs = rcs;
            this.c = c; this.cOff = cOff; this.ors = ors; this.ocs = ocs;
            this.acc = acc; this.e = e; this.bias = bias; this.biasOff = biasOff; this.biasOnRows = transposedOut;
        }

        void setNarrow(int m, int n, int k, float[] a, int aOff, int lda, boolean transB, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc, boolean acc, int e, float[] bias, int biasOff) {
            this.narrow = true;
            this.rows = m; this.cols = n; this.k = k;
            this.a = a; this.aOff = aOff; this.lda = lda;
            int w = n <= V ? V : 2 * V;
            float[] t = Scratch.get().bt(w * k);
            // P(p, j) = op(B)(p, j), k × w, zero-padded. Vector copies (masked to n columns) where B's
            // rows are contiguous: the scalar loop took ~15% of the model's 128×512·512×10.
            if (!transB) {
                VectorMask<Float> m0 = S.indexInRange(0, Math.min(n, V)), m1 = S.indexInRange(V, n);
                for (int p = 0, src = bOff, d = 0; p < k; p++, src += ldb, d += w) {
                    FloatVector.fromArray(S, b, src, m0).intoArray(t, d);
                    if (w > V) FloatVector.fromArray(S, b, src + V, m1).intoArray(t, d + V);
                }
            } else {
                java.util.Arrays.fill(t, 0, k * w, 0f);
                for (int j = 0; j < n; j++) {
                    int src = bOff + j * ldb;
                    for (int p = 0, d = j; p < k; p++, d += w) t[d] = b[src + p];
                }
            }
            this.bt = t; this.nrs = w;
            this.c = c; this.cOff = cOff; this.ldc = ldc;
            this.acc = acc; this.e = e; this.bias = bias; this.biasOff = biasOff;
        }

        void execute(int m, int n, int k) {
            int parts = 1;
            shared = false;
            phased = false;
            long flops = 2L * m * n * k;
            int threads = KernelPool.parallelism();
            if (threads > 1 && flops >= parallelMinFlops) {
                int rowTiles = (rows + MR - 1) / MR;
                if (narrow) {
                    parts = Math.min(threads, rowTiles);
                } else if (cols <= NC && rowTiles >= 2 && (long) (sharesA(threads) ? rows : cols) * k <= sharedMaxFloats) {
                    parts = threads;
                    setupShared(threads);
                } else if (rowTiles >= phasedMinRowTiles && setupPhased(threads)) {
                    parts = threads;
                } else {
                    int colTiles = (cols + NR - 1) / NR;
                    // each part packs its own L and R blocks: splitting rows repeats R's packing,
                    // splitting columns repeats L's
                    splitCols = colTiles >= 2 * threads && (long) rows <= cols;
                    parts = Math.min(threads, splitCols ? colTiles : rowTiles);
                }
            }
            skip = !narrow && lp != null && !acc && skipZeroSteps;
            nonFinite = false;
            if (parts <= 1) run(0, 1);
            else KernelPool.run(parts, this);
            if (skip && nonFinite) {
                // 0·inf and 0·NaN are NaN: the skipped steps were not zeros. Redo it densely (C was
                // overwritten, not accumulated into, so the first result simply goes away).
                skip = false;
                if (shared) setupShared(threads);
                if (phased) setupPhased(threads);
                if (parts <= 1) run(0, 1);
                else KernelPool.run(parts, this);
            }
            lp = null; la = null; ra = null; c = null; bias = null; a = null; bt = null; sharedBuf = null;
            sharedK = null; sharedCnt = null;
        }

        /**
         * Sets up the phased mode: phases are (column block of NC, k block) pairs, B packed in
         * units of a few NR panels, rows in chunks of {@link #PHASED_CHUNK_ROWS}. False (and no
         * phased mode) when there would be more phases than the counters hold.
         */
        private boolean setupPhased(int threads) {
            int kBlocks = (k + KC - 1) / KC, jBlocks = (cols + NC - 1) / NC;
            if (kBlocks * jBlocks > phasePackNext.length()) return false;
            phased = true;
            this.kBlocks = kBlocks;
            kcMax = (k + kBlocks - 1) / kBlocks;
            phases = kBlocks * jBlocks;
            int colTiles = (Math.min(cols, NC) + NR - 1) / NR;
            int unitTiles = Math.max(1, colTiles / (4 * threads));
            phaseUnitCols = unitTiles * NR;
            phaseUnits = (colTiles + unitTiles - 1) / unitTiles;
            sharedBuf = Scratch.get().shared(colTiles * NR * kcMax);
            phaseChunkRows = PHASED_CHUNK_ROWS;
            phaseChunks = (rows + phaseChunkRows - 1) / phaseChunkRows;
            for (int p = 0; p < phases; p++) {
                phasePackNext.set(p, 0);
                phasePackDone.set(p, 0);
                phaseChunkNext.set(p, 0);
                phaseChunkDone.set(p, 0);
            }
            return true;
        }

        /** In the shared mode, whether op(A) is the shared operand (else op(B)). */
        private boolean sharesA(int threads) {
            return rows <= cols && (cols + NR - 1) / NR >= 2 * threads;
        }

        private void setupShared(int threads) {
            shared = true;
            kBlocks = (k + KC - 1) / KC;
            kcMax = (k + kBlocks - 1) / kBlocks;
            int rowTiles = (rows + MR - 1) / MR, colTiles = (cols + NR - 1) / NR;
            // Share the packing of the operand that every chunk reads whole, and chunk the other
            // dimension; with few rows (the batch) share op(A) and chunk columns, else the reverse.
            // Either way each chunk re-reads the shared operand, so it should be the smaller one.
            shareA = sharesA(threads);
            int tiles = shareA ? rowTiles : colTiles, tile = shareA ? MR : NR;
            blockStride = tiles * tile * kcMax;
            Scratch own = Scratch.get();
            sharedBuf = own.shared(kBlocks * blockStride);
            own.sharedIndex(kBlocks * blockStride);
            sharedK = own.sharedK;
            sharedCnt = own.sharedCnt;
            int groupTiles = Math.max(1, (tiles * kBlocks + 4 * threads - 1) / (4 * threads) / kBlocks);
            groupSize = groupTiles * tile;
            groups = (tiles + groupTiles - 1) / groupTiles;
            packUnits = kBlocks * groups;
            int otherTiles = shareA ? colTiles : rowTiles, otherTile = shareA ? NR : MR;
            int chunkTiles = Math.max(1, Math.min((shareA ? NC : MC) / otherTile, otherTiles / (CHUNKS_PER_THREAD * threads)));
            chunkSize = chunkTiles * otherTile;
            chunks = (otherTiles + chunkTiles - 1) / chunkTiles;
            packNext.set(0);
            packDone.set(0);
            chunkNext.set(0);
        }

        @Override
        public void run(int part, int parts) {
            if (parts == 1) {
                if (narrow) narrowRows(this, 0, rows, Scratch.get().tile);
                else packed(this, 0, rows, 0, cols, Scratch.get());
            } else if (narrow) {
                int tiles = (rows + MR - 1) / MR;
                int i0 = Math.min(rows, tiles * part / parts * MR), i1 = Math.min(rows, tiles * (part + 1) / parts * MR);
                if (i0 < i1) narrowRows(this, i0, i1, Scratch.get().tile);
            } else if (phased) {
                packedPhased(this, Scratch.get());
            } else if (shared) {
                packedShared(this, Scratch.get());
            } else if (splitCols) {
                int tiles = (cols + NR - 1) / NR;
                int j0 = Math.min(cols, tiles * part / parts * NR), j1 = Math.min(cols, tiles * (part + 1) / parts * NR);
                if (j0 < j1) packed(this, 0, rows, j0, j1, Scratch.get());
            } else {
                int tiles = (rows + MR - 1) / MR;
                int i0 = Math.min(rows, tiles * part / parts * MR), i1 = Math.min(rows, tiles * (part + 1) / parts * MR);
                if (i0 < i1) packed(this, i0, i1, 0, cols, Scratch.get());
            }
        }
    }

    // ============================================================================================
    // packed path
    // ============================================================================================

    /** Computes rows [i0, i1) × columns [j0, j1) of the call's result O on this thread. */
    private static void packed(Call q, int i0, int i1, int j0, int j1, Scratch s) {
        final int k = q.k;
        final int kBlocks = (k + KC - 1) / KC;
        final int kcMax = (k + kBlocks - 1) / kBlocks;
        float[] pa = s.packA(MC * kcMax);
        // Few row panels use each B panel: packing op(B) would cost about as much as the product, so
        // read its rows in place when they are contiguous.
        boolean inPlace = q.rcs == 1 && i1 - i0 <= IN_PLACE_MAX_ROWS;
        float[] pb = inPlace ? null : s.packB(Math.min(NC, roundUp(j1 - j0, NR)) * kcMax);
        // skipping needs op(B) checked, which its packing does
        boolean skip = q.skip && !inPlace;
        if (skip) s.packAIndex(MC * kcMax);
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                if (!inPlace) packR(q.ra, q.rOff, q.rrs, q.rcs, pc, kc, jc, nc, pb, 0);
                if (skip && !finite(pb, 0, roundUp(nc, NR) * kc)) q.nonFinite = true;
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    packL(q, ic, mc, pc, kc, pa, 0);
                    if (skip) compactPanels(pa, 0, mc, kc, s.packAK, s.packACnt);
                    macroTile(q, pa, 0, ic, mc, pb, 0, jc, nc, pc, kc, s.tile, skip ? s.packAK : null, s.packACnt);
                }
            }
        }
    }

    /**
     * Parallel packed product with one column block: every thread claims units of the shared
     * operand's packing (op(B), or op(A) when {@code shareA}), waits until all are packed, then claims
     * chunks of rows (columns), packing its own part of the other operand.
     */
    private static void packedShared(Call q, Scratch s) {
        final int k = q.k, kcMax = q.kcMax, rows = q.rows, cols = q.cols;
        final float[] sh = q.sharedBuf;
        for (int u; (u = q.packNext.getAndIncrement()) < q.packUnits; ) {
            int b = u / q.groups, x0 = (u % q.groups) * q.groupSize;
            int pc = b * kcMax, kc = Math.min(kcMax, k - pc);
            if (q.shareA) {
                if (x0 < rows) {
                    int len = Math.min(q.groupSize, rows - x0), at = b * q.blockStride + x0 * kc;
                    packL(q, x0, len, pc, kc, sh, at);
                    if (q.skip) compactPanels(sh, at, len, kc, q.sharedK, q.sharedCnt);
                }
            } else {
                if (x0 < cols) {
                    int len = Math.min(q.groupSize, cols - x0), at = b * q.blockStride + x0 * kc;
                    packR(q.ra, q.rOff, q.rrs, q.rcs, pc, kc, x0, len, sh, at);
                    if (q.skip && !finite(sh, at, roundUp(len, NR) * kc)) q.nonFinite = true;
                }
            }
            q.packDone.incrementAndGet();
        }
        for (int spins = 0; q.packDone.get() < q.packUnits; spins++) {
            if (spins < 1_000) Thread.onSpinWait();
            else Thread.yield();
        }
        float[] own = q.shareA ? s.packB(q.chunkSize * kcMax) : s.packA(q.chunkSize * kcMax);
        if (q.skip && !q.shareA) s.packAIndex(q.chunkSize * kcMax);
        for (int ch; (ch = q.chunkNext.getAndIncrement()) < q.chunks; ) {
            int x0 = ch * q.chunkSize, len = Math.min(q.chunkSize, (q.shareA ? cols : rows) - x0);
            for (int b = 0, pc = 0; pc < k; b++, pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                if (q.shareA) {
                    packR(q.ra, q.rOff, q.rrs, q.rcs, pc, kc, x0, len, own, 0);
                    if (q.skip && !finite(own, 0, roundUp(len, NR) * kc)) q.nonFinite = true;
                    macroTile(q, sh, b * q.blockStride, 0, rows, own, 0, x0, len, pc, kc, s.tile,
                            q.skip ? q.sharedK : null, q.sharedCnt);
                } else {
                    packL(q, x0, len, pc, kc, own, 0);
                    if (q.skip) compactPanels(own, 0, len, kc, s.packAK, s.packACnt);
                    macroTile(q, own, 0, x0, len, sh, b * q.blockStride, 0, cols, pc, kc, s.tile,
                            q.skip ? s.packAK : null, s.packACnt);
                }
            }
        }
    }

    /**
     * The phased parallel mode (Goto's order, for operands too big to share whole): phase by phase
     * ((column block, k block) pairs), the threads pack the phase's op(B) block together into one
     * buffer, then claim chunks of rows, each packing its own op(A) block and running the
     * macro-tile. A phase starts once the previous one's chunks are all done (they accumulate
     * into the same C and read the same buffer); nothing waits for a particular thread, so a
     * thread that starts late only takes less of the work.
     */
    private static void packedPhased(Call q, Scratch s) {
        final int k = q.k, kcMax = q.kcMax, kBlocks = q.kBlocks;
        final float[] pb = q.sharedBuf;
        float[] pa = s.packA(q.phaseChunkRows * kcMax);
        if (q.skip) s.packAIndex(q.phaseChunkRows * kcMax);
        for (int ph = 0; ph < q.phases; ph++) {
            if (ph > 0) await(q.phaseChunkDone, ph - 1, q.phaseChunks);
            int jc = (ph / kBlocks) * NC, pc = (ph % kBlocks) * kcMax;
            int nc = Math.min(NC, q.cols - jc), kc = Math.min(kcMax, k - pc);
            for (int u; (u = q.phasePackNext.getAndIncrement(ph)) < q.phaseUnits; ) {
                int x0 = u * q.phaseUnitCols;
                if (x0 < nc) {
                    int len = Math.min(q.phaseUnitCols, nc - x0);
                    packR(q.ra, q.rOff, q.rrs, q.rcs, pc, kc, jc + x0, len, pb, x0 * kc);
                    if (q.skip && !finite(pb, x0 * kc, roundUp(len, NR) * kc)) q.nonFinite = true;
                }
                q.phasePackDone.incrementAndGet(ph);
            }
            await(q.phasePackDone, ph, q.phaseUnits);
            for (int ch; (ch = q.phaseChunkNext.getAndIncrement(ph)) < q.phaseChunks; ) {
                int i0 = ch * q.phaseChunkRows, len = Math.min(q.phaseChunkRows, q.rows - i0);
                if (q.skip) {
                    packL(q, i0, len, pc, kc, pa, 0);
                    compactPanels(pa, 0, len, kc, s.packAK, s.packACnt);
                    macroTile(q, pa, 0, i0, len, pb, 0, jc, nc, pc, kc, s.tile, s.packAK, s.packACnt);
                } else {
                    packL(q, i0, len, pc, kc, pa, 0);
                    macroTile(q, pa, 0, i0, len, pb, 0, jc, nc, pc, kc, s.tile, null, null);
                }
                q.phaseChunkDone.incrementAndGet(ph);
            }
        }
    }

    /** Waits until counter {@code i} reaches {@code target} (spinning, then yielding). */
    private static void await(java.util.concurrent.atomic.AtomicIntegerArray counters, int i, int target) {
        for (int spins = 0; counters.get(i) < target; spins++) {
            if (spins < 1_000) Thread.onSpinWait();
            else Thread.yield();
        }
    }

    private static void packL(Call q, int i0, int rows, int p0, int kc, float[] pa, int paOff) {
        if (q.lp != null) q.lp.pack(i0, rows, p0, kc, pa, paOff);
        else packStrided(q.la, q.lOff, q.lrs, q.lcs, i0, rows, p0, kc, pa, paOff);
    }

    /**
     * Rows [ic, ic+mc) × columns [jc, jc+nc) of O for the k block [pc, pc+kc): op(A)'s rows packed in
     * {@code pa} from {@code paOff}, op(B)'s columns in {@code pb} from {@code pbOff} ({@code pb} null:
     * read in place). Each B micro-panel stays in L1
     * while the A panels go by.
     */
    private static void macroTile(Call q, float[] pa, int paOff, int ic, int mc, float[] pb, int pbOff, int jc, int nc,
                                  int pc, int kc, float[] tile, int[] kIdx, int[] kCnt) {
        boolean load = pc > 0 || q.acc;
        int e = pc + kc == q.k ? q.e : 0;
        boolean direct = q.ocs == 1 && !q.biasOnRows;
        boolean directR = pb == null;
        if (!directR && (long) kc * roundUp(nc, NR) <= SMALL_B_FLOATS) {
            // The packed B block fits L1 whole (tiny k, e.g. the model's 128×10·10×512): walk C row
            // block by row block, writing it in order, instead of panel by panel.
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir), i = ic + ir;
                for (int jr = 0; jr < nc; jr += NR) {
                    int nr = Math.min(NR, nc - jr), j = jc + jr, bi = pbOff + jr * kc;
                    int ai = paOff + ir * kc;
                    if (kIdx != null) {
                        if (direct && mr == MR && nr == NR) {
                            kernelSkipping(kCnt[ai / MR], kIdx, ai / MR, pa, ai, pb, bi, q.c, q.cOff + i * q.ors + j, q.ors, load, e, q.bias, q.biasOff + j);
                        } else {
                            edgeTile(q, kc, pa, ai, pb, bi, NR, tile, i, j, mr, nr, load, e, kIdx, kCnt);
                        }
                    } else if (direct && mr == MR && nr == NR) {
                        kernel(kc, pa, ai, pb, bi, NR, q.c, q.cOff + i * q.ors + j, q.ors, load, e, q.bias, q.biasOff + j);
                    } else {
                        edgeTile(q, kc, pa, ai, pb, bi, NR, tile, i, j, mr, nr, load, e, null, null);
                    }
                }
            }
            return;
        }
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            float[] bArr = pb;
            int bi = pbOff + jr * kc, bs = NR;
            if (directR) {
                // op(B)'s rows are contiguous: full panels are read in place, a partial one was packed
                if (nr == NR) {
                    bArr = q.ra;
                    bi = q.rOff + pc * q.rrs + jc + jr;
                    bs = q.rrs;
                } else {
                    bArr = tileB(q, pc, kc, jc + jr, nr);
                    bi = 0;
                }
            }
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                int i = ic + ir, j = jc + jr;
                int ai = paOff + ir * kc;
                if (kIdx != null) {
                    if (direct && mr == MR && nr == NR) {
                        kernelSkipping(kCnt[ai / MR], kIdx, ai / MR, pa, ai, bArr, bi, q.c, q.cOff + i * q.ors + j, q.ors, load, e, q.bias, q.biasOff + j);
                    } else {
                        edgeTile(q, kc, pa, ai, bArr, bi, bs, tile, i, j, mr, nr, load, e, kIdx, kCnt);
                    }
                } else if (direct && mr == MR && nr == NR) {
                    kernel(kc, pa, ai, bArr, bi, bs, q.c, q.cOff + i * q.ors + j, q.ors, load, e, q.bias, q.biasOff + j);
                } else {
                    edgeTile(q, kc, pa, ai, bArr, bi, bs, tile, i, j, mr, nr, load, e, null, null);
                }
            }
        }
    }

    /** Packs the last, partial NR panel of op(B) for the in-place mode. */
    private static float[] tileB(Call q, int pc, int kc, int j, int nr) {
        float[] t = Scratch.get().packB(NR * kc);
        packR(q.ra, q.rOff, q.rrs, q.rcs, pc, kc, j, nr, t, 0);
        return t;
    }

    /** A partial or transposed tile: through the scratch tile, with the same arithmetic as a full one. */
    private static void edgeTile(Call q, int kc, float[] pa, int ai, float[] pb, int bi, int bs, float[] t,
                                 int i, int j, int mr, int nr, boolean load, int e, int[] kIdx, int[] kCnt) {
        float[] c = q.c;
        if (load) {
            java.util.Arrays.fill(t, 0f);
            for (int r = 0; r < mr; r++) {
                int ci = q.cOff + (i + r) * q.ors + j * q.ocs;
                for (int x = 0; x < nr; x++) t[r * NR + x] = c[ci + x * q.ocs];
            }
        }
        if (kIdx != null) kernelSkipping(kCnt[ai / MR], kIdx, ai / MR, pa, ai, pb, bi, t, 0, NR, load, 0, null, 0);
        else kernel(kc, pa, ai, pb, bi, bs, t, 0, NR, load, 0, null, 0);
        for (int r = 0; r < mr; r++) {
            int ci = q.cOff + (i + r) * q.ors + j * q.ocs;
            for (int x = 0; x < nr; x++) {
                float v = t[r * NR + x];
                if (e != 0) v = epi(v, e, q.bias, q.biasOff + (q.biasOnRows ? i + r : j + x));
                c[ci + x * q.ocs] = v;
            }
        }
    }

    /** The micro-kernel (see {@link MicroKernels#kernel}). */
    static void kernel(int kc, float[] pa, int ai, float[] pb, int bi, int bs, float[] c, int ci, int ldc,
                       boolean load, int e, float[] bias, int bo) {
        MicroKernels.kernel(kc, pa, ai, pb, bi, bs, c, ci, ldc, load, e, bias, bo);
    }

    /** The micro-kernel over the kept steps of a compacted panel (see {@link MicroKernels#kernelSkipping}). */
    static void kernelSkipping(int count, int[] kIdx, int kOff, float[] pa, int ai, float[] pb, int bi, float[] c, int ci, int ldc,
                               boolean load, int e, float[] bias, int bo) {
        MicroKernels.kernelSkipping(count, kIdx, kOff, pa, ai, pb, bi, c, ci, ldc, load, e, bias, bo);
    }


    /**
     * Compacts the packed A panels of {@code rows} rows at {@code off} (k block of kc steps): the k
     * steps where the panel's MR values are all zero (±0) are dropped, the others moved to the
     * front in order; the kept steps' offsets in a packed B panel (p·NR) go to {@code kIdx[o/MR ..]}
     * (a multiply saved per step of the kernel) and their count to
     * {@code kCnt[o/MR]}, o being the panel's offset. MNIST's first layer keeps 47% of the steps of
     * x·W1 (a pixel is dropped when it is 0 in 8 images) and 40% of xᵀ·dz's.
     */
    static void compactPanels(float[] pa, int off, int rows, int kc, int[] kIdx, int[] kCnt) {
        for (int ip = 0; ip < rows; ip += MR) {
            int o = off + ip * kc, base = o / MR, kept = 0;
            // Branch-free: every step is written at the next free place (a step is read before
            // anything is written over it, as kept ≤ p) and counted only if nonzero. A branch on
            // the data mispredicted often enough to cost 6x.
            for (int p = 0, src = o; p < kc; p++, src += MR) {
                FloatVector v = MR == 8 ? FloatVector.fromArray(PANEL, pa, src) : FloatVector.fromArray(PANEL, pa, src, PANEL_STEP);
                long nonzero = v.compare(VectorOperators.NE, 0f).toLong();
                if (MR == 8) v.intoArray(pa, o + kept * MR);
                else v.intoArray(pa, o + kept * MR, PANEL_STEP);
                kIdx[base + kept] = p * NR;
                kept += (int) ((nonzero | -nonzero) >>> 63);
            }
            kCnt[base] = kept;
        }
    }

    /** Whether {@code x[from .. from + len)} holds no infinity and no NaN (x − x is 0 exactly for the others). */
    static boolean finite(float[] x, int from, int len) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i + V <= len; i += V) {
            FloatVector v = FloatVector.fromArray(S, x, from + i);
            acc = acc.add(v.sub(v));
        }
        float tail = 0f;
        for (; i < len; i++) tail += x[from + i] - x[from + i];
        return acc.reduceLanes(VectorOperators.ADD) + tail == 0f;
    }

    /**
     * Packs L(i, p) = x[off + i·rs + p·cs] for rows [i0, i0+rows) × [p0, p0+kc) into MR-row panels
     * (the {@link PackA} layout), zero-padding the last panel.
     */
    static void packStrided(float[] x, int off, int rs, int cs, int i0, int rows, int p0, int kc, float[] dst, int dstOff) {
        for (int ip = 0; ip < rows; ip += MR) {
            int mr = Math.min(MR, rows - ip);
            int d = dstOff + ip * kc;
            int src = off + (i0 + ip) * rs + p0 * cs;
            if (mr == MR && cs == 1) {
                // the panel's rows are contiguous along p: read each row in order, write with stride MR
                for (int r = 0; r < MR; r++) {
                    int sr = src + r * rs, dr = d + r;
                    for (int p = 0; p < kc; p++) dst[dr + p * MR] = x[sr + p];
                }
            } else if (mr == MR && rs == 1) {
                // Aᵀ stored: a k step of the panel is MR consecutive floats
                if (MR == 8 && x.length >= src + (long) (kc - 1) * cs + MR) {
                    for (int p = 0; p < kc; p++, d += MR, src += cs) FloatVector.fromArray(PANEL, x, src).intoArray(dst, d);
                } else {
                    for (int p = 0; p < kc; p++, d += MR, src += cs) {
                        FloatVector.fromArray(PANEL, x, src, PANEL_STEP).intoArray(dst, d, PANEL_STEP);
                    }
                }
            } else {
                for (int p = 0; p < kc; p++, d += MR) {
                    int sp = src + p * cs;
                    for (int r = 0; r < MR; r++) dst[d + r] = r < mr ? x[sp + r * rs] : 0f;
                }
            }
        }
    }

    /**
     * Packs R(p, j) = x[off + p·rs + j·cs] for [p0, p0+kc) × columns [j0, j0+cols) into NR-wide
     * panels: panel q at {@code dstOff + q·NR·kc}, element (p, x) at {@code p·NR + x}, zero-padded.
     */
    static void packR(float[] x, int off, int rs, int cs, int p0, int kc, int j0, int cols, float[] dst, int dstOff) {
        for (int jp = 0; jp < cols; jp += NR) {
            int nr = Math.min(NR, cols - jp);
            int d = dstOff + jp * kc;
            int src = off + p0 * rs + (j0 + jp) * cs;
            if (nr == NR && cs == 1) {
                for (int p = 0; p < kc; p++, d += NR, src += rs) {
                    FloatVector.fromArray(S, x, src).intoArray(dst, d);
                    FloatVector.fromArray(S, x, src + V).intoArray(dst, d + V);
                }
            } else if (rs == 1 && nr == NR) {
                // columns of R are contiguous in x: gather V columns' element p at a time
                int[] idx = gatherIndex(cs);
                for (int p = 0; p < kc; p++, d += NR) {
                    FloatVector.fromArray(S, x, src + p, idx, 0).intoArray(dst, d);
                    FloatVector.fromArray(S, x, src + V * cs + p, idx, 0).intoArray(dst, d + V);
                }
            } else if (rs == 1) {
                // columns of R are contiguous in x: read along p, write with stride NR
                for (int jj = 0; jj < NR; jj++) {
                    int dj = d + jj;
                    if (jj < nr) {
                        int sj = src + jj * cs;
                        for (int p = 0; p < kc; p++) dst[dj + p * NR] = x[sj + p];
                    } else {
                        for (int p = 0; p < kc; p++) dst[dj + p * NR] = 0f;
                    }
                }
            } else {
                for (int p = 0; p < kc; p++, d += NR, src += rs) {
                    for (int jj = 0; jj < NR; jj++) dst[d + jj] = jj < nr ? x[src + jj * cs] : 0f;
                }
            }
        }
    }

    private static final ThreadLocal<int[]> GATHER = ThreadLocal.withInitial(() -> new int[V + 1]);

    /** {0, stride, 2·stride, …} (V lanes), cached per thread; the last element remembers the stride. */
    private static int[] gatherIndex(int stride) {
        int[] idx = GATHER.get();
        if (idx[V] != stride) {
            for (int i = 0; i < V; i++) idx[i] = i * stride;
            idx[V] = stride;
        }
        return idx;
    }

    // ============================================================================================
    // narrow results (n ≤ 2V, A not transposed)
    // ============================================================================================

    /**
     * Rows [i0, i1) of a narrow product (n ≤ 2V, A not transposed): each row of C is one or two
     * vectors, 8 rows at a time, broadcasting A's elements straight from A (no packing of A) against
     * op(B) packed k × NRS.
     */
    private static void narrowRows(Call q, int i0, int i1, float[] t) {
        final int n = q.cols, k = q.k, lda = q.lda, ldc = q.ldc, e = q.e, w = q.nrs;
        final float[] a = q.a, pb = q.bt, c = q.c;
        for (int i = i0; i < i1; i += 8) {
            int mr = Math.min(8, i1 - i);
            int ar0 = q.aOff + Math.min(i + 0, i1 - 1) * lda;
            int ar1 = q.aOff + Math.min(i + 1, i1 - 1) * lda;
            int ar2 = q.aOff + Math.min(i + 2, i1 - 1) * lda;
            int ar3 = q.aOff + Math.min(i + 3, i1 - 1) * lda;
            int ar4 = q.aOff + Math.min(i + 4, i1 - 1) * lda;
            int ar5 = q.aOff + Math.min(i + 5, i1 - 1) * lda;
            int ar6 = q.aOff + Math.min(i + 6, i1 - 1) * lda;
            int ar7 = q.aOff + Math.min(i + 7, i1 - 1) * lda;
            if (w == V) rows1(k, a, ar0, ar1, ar2, ar3, ar4, ar5, ar6, ar7, pb, t);
            else if (MicroKernels.REGISTERS >= 32) rows2(k, a, ar0, ar1, ar2, ar3, ar4, ar5, ar6, ar7, pb, t);
            else {
                // 16 vector registers: 8 rows × 2 vectors of accumulators do not fit, 4 rows do
                rows2Of4(k, a, ar0, ar1, ar2, ar3, pb, t, 0);
                if (mr > 4) rows2Of4(k, a, ar4, ar5, ar6, ar7, pb, t, 8 * V);
            }
            // masked vector stores with the epilogue in vectors (a scalar loop here cost ~10%)
            for (int r = 0; r < mr; r++) {
                int ci = q.cOff + (i + r) * ldc, ti = r * w;
                narrowStore(q, t, ti, c, ci, 0, n);
                if (w > V) narrowStore(q, t, ti + V, c, ci + V, V, n);
            }
        }
    }

    /**
     * One vector of a narrow row: {@code c[ci ..] = e(t[ti ..] [+ c])} on columns [j0, n), lane x
     * being column j0 + x. The mask is made here, not passed in: a mask argument of a call that C2
     * does not inline is boxed (48 bytes a row).
     */
    private static void narrowStore(Call q, float[] t, int ti, float[] c, int ci, int j0, int n) {
        VectorMask<Float> mask = S.indexInRange(j0, n);
        FloatVector v = FloatVector.fromArray(S, t, ti);
        if (q.acc) v = v.add(FloatVector.fromArray(S, c, ci, mask));
        if ((q.e & E_BIAS) != 0) v = v.add(FloatVector.fromArray(S, q.bias, q.biasOff + j0, mask));
        if ((q.e & E_RELU) != 0) v = v.max(0f);
        v.intoArray(c, ci, mask);
    }

    /**
     * 8 rows of C = A·P, P (k × 1V, packed, zero-padded) at {@code pb}: row r of A starts at
     * {@code a[ar_r]}; the 8×1V results go to {@code t} row-major (1V floats per row).
     * Unrolled by 4 so that each row's address is computed once per 4 broadcasts.
     */
    private static void rows1(int k, float[] a, int ar0, int ar1, int ar2, int ar3, int ar4, int ar5, int ar6, int ar7, float[] pb, float[] t) {
        final FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z;
        FloatVector c10 = z;
        FloatVector c20 = z;
        FloatVector c30 = z;
        FloatVector c40 = z;
        FloatVector c50 = z;
        FloatVector c60 = z;
        FloatVector c70 = z;
        int p = 0, bi = 0;
        for (; p + 3 < k; p += 4, bi += 4 * V) {
            FloatVector b00 = FloatVector.fromArray(S, pb, bi);
            FloatVector b10 = FloatVector.fromArray(S, pb, bi + 1 * V);
            FloatVector b20 = FloatVector.fromArray(S, pb, bi + 2 * V);
            FloatVector b30 = FloatVector.fromArray(S, pb, bi + 3 * V);
            FloatVector x00 = FloatVector.broadcast(S, a[ar0 + p]);
            FloatVector x01 = FloatVector.broadcast(S, a[ar0 + p + 1]);
            FloatVector x02 = FloatVector.broadcast(S, a[ar0 + p + 2]);
            FloatVector x03 = FloatVector.broadcast(S, a[ar0 + p + 3]);
            c00 = x00.fma(b00, c00);
            c00 = x01.fma(b10, c00);
            c00 = x02.fma(b20, c00);
            c00 = x03.fma(b30, c00);
            FloatVector x10 = FloatVector.broadcast(S, a[ar1 + p]);
            FloatVector x11 = FloatVector.broadcast(S, a[ar1 + p + 1]);
            FloatVector x12 = FloatVector.broadcast(S, a[ar1 + p + 2]);
            FloatVector x13 = FloatVector.broadcast(S, a[ar1 + p + 3]);
            c10 = x10.fma(b00, c10);
            c10 = x11.fma(b10, c10);
            c10 = x12.fma(b20, c10);
            c10 = x13.fma(b30, c10);
            FloatVector x20 = FloatVector.broadcast(S, a[ar2 + p]);
            FloatVector x21 = FloatVector.broadcast(S, a[ar2 + p + 1]);
            FloatVector x22 = FloatVector.broadcast(S, a[ar2 + p + 2]);
            FloatVector x23 = FloatVector.broadcast(S, a[ar2 + p + 3]);
            c20 = x20.fma(b00, c20);
            c20 = x21.fma(b10, c20);
            c20 = x22.fma(b20, c20);
            c20 = x23.fma(b30, c20);
            FloatVector x30 = FloatVector.broadcast(S, a[ar3 + p]);
            FloatVector x31 = FloatVector.broadcast(S, a[ar3 + p + 1]);
            FloatVector x32 = FloatVector.broadcast(S, a[ar3 + p + 2]);
            FloatVector x33 = FloatVector.broadcast(S, a[ar3 + p + 3]);
            c30 = x30.fma(b00, c30);
            c30 = x31.fma(b10, c30);
            c30 = x32.fma(b20, c30);
            c30 = x33.fma(b30, c30);
            FloatVector x40 = FloatVector.broadcast(S, a[ar4 + p]);
            FloatVector x41 = FloatVector.broadcast(S, a[ar4 + p + 1]);
            FloatVector x42 = FloatVector.broadcast(S, a[ar4 + p + 2]);
            FloatVector x43 = FloatVector.broadcast(S, a[ar4 + p + 3]);
            c40 = x40.fma(b00, c40);
            c40 = x41.fma(b10, c40);
            c40 = x42.fma(b20, c40);
            c40 = x43.fma(b30, c40);
            FloatVector x50 = FloatVector.broadcast(S, a[ar5 + p]);
            FloatVector x51 = FloatVector.broadcast(S, a[ar5 + p + 1]);
            FloatVector x52 = FloatVector.broadcast(S, a[ar5 + p + 2]);
            FloatVector x53 = FloatVector.broadcast(S, a[ar5 + p + 3]);
            c50 = x50.fma(b00, c50);
            c50 = x51.fma(b10, c50);
            c50 = x52.fma(b20, c50);
            c50 = x53.fma(b30, c50);
            FloatVector x60 = FloatVector.broadcast(S, a[ar6 + p]);
            FloatVector x61 = FloatVector.broadcast(S, a[ar6 + p + 1]);
            FloatVector x62 = FloatVector.broadcast(S, a[ar6 + p + 2]);
            FloatVector x63 = FloatVector.broadcast(S, a[ar6 + p + 3]);
            c60 = x60.fma(b00, c60);
            c60 = x61.fma(b10, c60);
            c60 = x62.fma(b20, c60);
            c60 = x63.fma(b30, c60);
            FloatVector x70 = FloatVector.broadcast(S, a[ar7 + p]);
            FloatVector x71 = FloatVector.broadcast(S, a[ar7 + p + 1]);
            FloatVector x72 = FloatVector.broadcast(S, a[ar7 + p + 2]);
            FloatVector x73 = FloatVector.broadcast(S, a[ar7 + p + 3]);
            c70 = x70.fma(b00, c70);
            c70 = x71.fma(b10, c70);
            c70 = x72.fma(b20, c70);
            c70 = x73.fma(b30, c70);
        }
        for (; p < k; p++, bi += 1 * V) {
            FloatVector b0 = FloatVector.fromArray(S, pb, bi);
            FloatVector x0 = FloatVector.broadcast(S, a[ar0 + p]);
            c00 = x0.fma(b0, c00);
            FloatVector x1 = FloatVector.broadcast(S, a[ar1 + p]);
            c10 = x1.fma(b0, c10);
            FloatVector x2 = FloatVector.broadcast(S, a[ar2 + p]);
            c20 = x2.fma(b0, c20);
            FloatVector x3 = FloatVector.broadcast(S, a[ar3 + p]);
            c30 = x3.fma(b0, c30);
            FloatVector x4 = FloatVector.broadcast(S, a[ar4 + p]);
            c40 = x4.fma(b0, c40);
            FloatVector x5 = FloatVector.broadcast(S, a[ar5 + p]);
            c50 = x5.fma(b0, c50);
            FloatVector x6 = FloatVector.broadcast(S, a[ar6 + p]);
            c60 = x6.fma(b0, c60);
            FloatVector x7 = FloatVector.broadcast(S, a[ar7 + p]);
            c70 = x7.fma(b0, c70);
        }
        c00.intoArray(t, 0 * V);
        c10.intoArray(t, 1 * V);
        c20.intoArray(t, 2 * V);
        c30.intoArray(t, 3 * V);
        c40.intoArray(t, 4 * V);
        c50.intoArray(t, 5 * V);
        c60.intoArray(t, 6 * V);
        c70.intoArray(t, 7 * V);
    }

    /**
     * {@link #rows2} for 4 rows (rows ar0..ar3; results to {@code t} from {@code tOff}), for register
     * files of 16 vectors: 8 accumulators, 4 B vectors and 2 broadcasts. Each element is the same
     * FMA sequence as in {@link #rows2}.
     */
    private static void rows2Of4(int k, float[] a, int ar0, int ar1, int ar2, int ar3, float[] pb, float[] t, int tOff) {
        final FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z;
        FloatVector c10 = z, c11 = z;
        FloatVector c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z;
        int p = 0, bi = 0;
        for (; p + 1 < k; p += 2, bi += 4 * V) {
            FloatVector b00 = FloatVector.fromArray(S, pb, bi);
            FloatVector b01 = FloatVector.fromArray(S, pb, bi + 1 * V);
            FloatVector b10 = FloatVector.fromArray(S, pb, bi + 2 * V);
            FloatVector b11 = FloatVector.fromArray(S, pb, bi + 3 * V);
            FloatVector x00 = FloatVector.broadcast(S, a[ar0 + p]);
            FloatVector x01 = FloatVector.broadcast(S, a[ar0 + p + 1]);
            c00 = x00.fma(b00, c00); c01 = x00.fma(b01, c01);
            c00 = x01.fma(b10, c00); c01 = x01.fma(b11, c01);
            FloatVector x10 = FloatVector.broadcast(S, a[ar1 + p]);
            FloatVector x11 = FloatVector.broadcast(S, a[ar1 + p + 1]);
            c10 = x10.fma(b00, c10); c11 = x10.fma(b01, c11);
            c10 = x11.fma(b10, c10); c11 = x11.fma(b11, c11);
            FloatVector x20 = FloatVector.broadcast(S, a[ar2 + p]);
            FloatVector x21 = FloatVector.broadcast(S, a[ar2 + p + 1]);
            c20 = x20.fma(b00, c20); c21 = x20.fma(b01, c21);
            c20 = x21.fma(b10, c20); c21 = x21.fma(b11, c21);
            FloatVector x30 = FloatVector.broadcast(S, a[ar3 + p]);
            FloatVector x31 = FloatVector.broadcast(S, a[ar3 + p + 1]);
            c30 = x30.fma(b00, c30); c31 = x30.fma(b01, c31);
            c30 = x31.fma(b10, c30); c31 = x31.fma(b11, c31);
        }
        for (; p < k; p++, bi += 2 * V) {
            FloatVector b0 = FloatVector.fromArray(S, pb, bi);
            FloatVector b1 = FloatVector.fromArray(S, pb, bi + V);
            FloatVector x0 = FloatVector.broadcast(S, a[ar0 + p]);
            c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
            FloatVector x1 = FloatVector.broadcast(S, a[ar1 + p]);
            c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
            FloatVector x2 = FloatVector.broadcast(S, a[ar2 + p]);
            c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
            FloatVector x3 = FloatVector.broadcast(S, a[ar3 + p]);
            c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
        }
        c00.intoArray(t, tOff + 0 * V); c01.intoArray(t, tOff + 1 * V);
        c10.intoArray(t, tOff + 2 * V); c11.intoArray(t, tOff + 3 * V);
        c20.intoArray(t, tOff + 4 * V); c21.intoArray(t, tOff + 5 * V);
        c30.intoArray(t, tOff + 6 * V); c31.intoArray(t, tOff + 7 * V);
    }

    /**
     * 8 rows of C = A·P, P (k × 2V, packed, zero-padded) at {@code pb}: row r of A starts at
     * {@code a[ar_r]}; the 8×2V results go to {@code t} row-major (2V floats per row).
     * Unrolled by 2 so that each row's address is computed once per 2 broadcasts.
     */
    private static void rows2(int k, float[] a, int ar0, int ar1, int ar2, int ar3, int ar4, int ar5, int ar6, int ar7, float[] pb, float[] t) {
        final FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z;
        FloatVector c10 = z, c11 = z;
        FloatVector c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z;
        FloatVector c50 = z, c51 = z;
        FloatVector c60 = z, c61 = z;
        FloatVector c70 = z, c71 = z;
        int p = 0, bi = 0;
        for (; p + 1 < k; p += 2, bi += 4 * V) {
            FloatVector b00 = FloatVector.fromArray(S, pb, bi);
            FloatVector b01 = FloatVector.fromArray(S, pb, bi + 1 * V);
            FloatVector b10 = FloatVector.fromArray(S, pb, bi + 2 * V);
            FloatVector b11 = FloatVector.fromArray(S, pb, bi + 3 * V);
            FloatVector x00 = FloatVector.broadcast(S, a[ar0 + p]);
            FloatVector x01 = FloatVector.broadcast(S, a[ar0 + p + 1]);
            c00 = x00.fma(b00, c00); c01 = x00.fma(b01, c01);
            c00 = x01.fma(b10, c00); c01 = x01.fma(b11, c01);
            FloatVector x10 = FloatVector.broadcast(S, a[ar1 + p]);
            FloatVector x11 = FloatVector.broadcast(S, a[ar1 + p + 1]);
            c10 = x10.fma(b00, c10); c11 = x10.fma(b01, c11);
            c10 = x11.fma(b10, c10); c11 = x11.fma(b11, c11);
            FloatVector x20 = FloatVector.broadcast(S, a[ar2 + p]);
            FloatVector x21 = FloatVector.broadcast(S, a[ar2 + p + 1]);
            c20 = x20.fma(b00, c20); c21 = x20.fma(b01, c21);
            c20 = x21.fma(b10, c20); c21 = x21.fma(b11, c21);
            FloatVector x30 = FloatVector.broadcast(S, a[ar3 + p]);
            FloatVector x31 = FloatVector.broadcast(S, a[ar3 + p + 1]);
            c30 = x30.fma(b00, c30); c31 = x30.fma(b01, c31);
            c30 = x31.fma(b10, c30); c31 = x31.fma(b11, c31);
            FloatVector x40 = FloatVector.broadcast(S, a[ar4 + p]);
            FloatVector x41 = FloatVector.broadcast(S, a[ar4 + p + 1]);
            c40 = x40.fma(b00, c40); c41 = x40.fma(b01, c41);
            c40 = x41.fma(b10, c40); c41 = x41.fma(b11, c41);
            FloatVector x50 = FloatVector.broadcast(S, a[ar5 + p]);
            FloatVector x51 = FloatVector.broadcast(S, a[ar5 + p + 1]);
            c50 = x50.fma(b00, c50); c51 = x50.fma(b01, c51);
            c50 = x51.fma(b10, c50); c51 = x51.fma(b11, c51);
            FloatVector x60 = FloatVector.broadcast(S, a[ar6 + p]);
            FloatVector x61 = FloatVector.broadcast(S, a[ar6 + p + 1]);
            c60 = x60.fma(b00, c60); c61 = x60.fma(b01, c61);
            c60 = x61.fma(b10, c60); c61 = x61.fma(b11, c61);
            FloatVector x70 = FloatVector.broadcast(S, a[ar7 + p]);
            FloatVector x71 = FloatVector.broadcast(S, a[ar7 + p + 1]);
            c70 = x70.fma(b00, c70); c71 = x70.fma(b01, c71);
            c70 = x71.fma(b10, c70); c71 = x71.fma(b11, c71);
        }
        for (; p < k; p++, bi += 2 * V) {
            FloatVector b0 = FloatVector.fromArray(S, pb, bi);
            FloatVector b1 = FloatVector.fromArray(S, pb, bi + V);
            FloatVector x0 = FloatVector.broadcast(S, a[ar0 + p]);
            c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
            FloatVector x1 = FloatVector.broadcast(S, a[ar1 + p]);
            c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
            FloatVector x2 = FloatVector.broadcast(S, a[ar2 + p]);
            c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
            FloatVector x3 = FloatVector.broadcast(S, a[ar3 + p]);
            c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
            FloatVector x4 = FloatVector.broadcast(S, a[ar4 + p]);
            c40 = x4.fma(b0, c40); c41 = x4.fma(b1, c41);
            FloatVector x5 = FloatVector.broadcast(S, a[ar5 + p]);
            c50 = x5.fma(b0, c50); c51 = x5.fma(b1, c51);
            FloatVector x6 = FloatVector.broadcast(S, a[ar6 + p]);
            c60 = x6.fma(b0, c60); c61 = x6.fma(b1, c61);
            FloatVector x7 = FloatVector.broadcast(S, a[ar7 + p]);
            c70 = x7.fma(b0, c70); c71 = x7.fma(b1, c71);
        }
        c00.intoArray(t, 0 * V); c01.intoArray(t, 0 * V + V);
        c10.intoArray(t, 2 * V); c11.intoArray(t, 2 * V + V);
        c20.intoArray(t, 4 * V); c21.intoArray(t, 4 * V + V);
        c30.intoArray(t, 6 * V); c31.intoArray(t, 6 * V + V);
        c40.intoArray(t, 8 * V); c41.intoArray(t, 8 * V + V);
        c50.intoArray(t, 10 * V); c51.intoArray(t, 10 * V + V);
        c60.intoArray(t, 12 * V); c61.intoArray(t, 12 * V + V);
        c70.intoArray(t, 14 * V); c71.intoArray(t, 14 * V + V);
    }
}
