package dlm.runtime.kernels;

import static dlm.runtime.kernels.Gemm.*;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * One product described so that any thread of the {@link KernelPool} can compute any part of it,
 * and the choice among the ways of sharing it out (one thread; narrow rows; the shared, phased and
 * static parallel modes: see {@link Gemm}). Reused per calling thread ({@link Gemm.Scratch}).
 */
final class GemmCall implements KernelPool.Job {
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
        skip = !narrow && lp != null && lp.zeroStepsLikely() && !acc && skipZeroSteps;
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
            if (narrow) NarrowKernels.narrowRows(this, 0, rows, Scratch.get().tile);
            else PackedPath.packed(this, 0, rows, 0, cols, Scratch.get());
        } else if (narrow) {
            int tiles = (rows + MR - 1) / MR;
            int i0 = Math.min(rows, tiles * part / parts * MR), i1 = Math.min(rows, tiles * (part + 1) / parts * MR);
            if (i0 < i1) NarrowKernels.narrowRows(this, i0, i1, Scratch.get().tile);
        } else if (phased) {
            PackedPath.packedPhased(this, Scratch.get());
        } else if (shared) {
            PackedPath.packedShared(this, Scratch.get());
        } else if (splitCols) {
            int tiles = (cols + NR - 1) / NR;
            int j0 = Math.min(cols, tiles * part / parts * NR), j1 = Math.min(cols, tiles * (part + 1) / parts * NR);
            if (j0 < j1) PackedPath.packed(this, 0, rows, j0, j1, Scratch.get());
        } else {
            int tiles = (rows + MR - 1) / MR;
            int i0 = Math.min(rows, tiles * part / parts * MR), i1 = Math.min(rows, tiles * (part + 1) / parts * MR);
            if (i0 < i1) PackedPath.packed(this, i0, i1, 0, cols, Scratch.get());
        }
    }
}
