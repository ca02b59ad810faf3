package dlm.runtime.kernels;

import static dlm.runtime.kernels.Gemm.*;
import static dlm.runtime.kernels.Packing.*;

/**
 * The packed path of {@link Gemm}: Goto/BLIS blocking of one thread's part of a product, and the
 * shared and phased parallel modes in which the threads pack an operand together.
 */
final class PackedPath {
    private PackedPath() {}

    /** Computes rows [i0, i1) × columns [j0, j1) of the call's result O on this thread. */
    static void packed(GemmCall q, int i0, int i1, int j0, int j1, Scratch s) {
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
    static void packedShared(GemmCall q, Scratch s) {
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
            if ((spins & 1023) == 1023) KernelPool.checkNotAborted();
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
    static void packedPhased(GemmCall q, Scratch s) {
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
    static void await(java.util.concurrent.atomic.AtomicIntegerArray counters, int i, int target) {
        for (int spins = 0; counters.get(i) < target; spins++) {
            if (spins < 1_000) Thread.onSpinWait();
            else Thread.yield();
            if ((spins & 1023) == 1023) KernelPool.checkNotAborted();
        }
    }

    static void packL(GemmCall q, int i0, int rows, int p0, int kc, float[] pa, int paOff) {
        if (q.lp != null) q.lp.pack(i0, rows, p0, kc, pa, paOff);
        else packStrided(q.la, q.lOff, q.lrs, q.lcs, i0, rows, p0, kc, pa, paOff);
    }

    /**
     * Rows [ic, ic+mc) × columns [jc, jc+nc) of O for the k block [pc, pc+kc): op(A)'s rows packed in
     * {@code pa} from {@code paOff}, op(B)'s columns in {@code pb} from {@code pbOff} ({@code pb} null:
     * read in place). Each B micro-panel stays in L1
     * while the A panels go by.
     */
    static void macroTile(GemmCall q, float[] pa, int paOff, int ic, int mc, float[] pb, int pbOff, int jc, int nc,
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
                            MicroKernels.kernelSkipping(kCnt[ai / MR], kIdx, ai / MR, pa, ai, pb, bi, q.c, q.cOff + i * q.ors + j, q.ors, load, e, q.bias, q.biasOff + j);
                        } else {
                            edgeTile(q, kc, pa, ai, pb, bi, NR, tile, i, j, mr, nr, load, e, kIdx, kCnt);
                        }
                    } else if (direct && mr == MR && nr == NR) {
                        MicroKernels.kernel(kc, pa, ai, pb, bi, NR, q.c, q.cOff + i * q.ors + j, q.ors, load, e, q.bias, q.biasOff + j);
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
                        MicroKernels.kernelSkipping(kCnt[ai / MR], kIdx, ai / MR, pa, ai, bArr, bi, q.c, q.cOff + i * q.ors + j, q.ors, load, e, q.bias, q.biasOff + j);
                    } else {
                        edgeTile(q, kc, pa, ai, bArr, bi, bs, tile, i, j, mr, nr, load, e, kIdx, kCnt);
                    }
                } else if (direct && mr == MR && nr == NR) {
                    MicroKernels.kernel(kc, pa, ai, bArr, bi, bs, q.c, q.cOff + i * q.ors + j, q.ors, load, e, q.bias, q.biasOff + j);
                } else {
                    edgeTile(q, kc, pa, ai, bArr, bi, bs, tile, i, j, mr, nr, load, e, null, null);
                }
            }
        }
    }

    /** Packs the last, partial NR panel of op(B) for the in-place mode. */
    static float[] tileB(GemmCall q, int pc, int kc, int j, int nr) {
        float[] t = Scratch.get().packB(NR * kc);
        packR(q.ra, q.rOff, q.rrs, q.rcs, pc, kc, j, nr, t, 0);
        return t;
    }

    /** A partial or transposed tile: through the scratch tile, with the same arithmetic as a full one. */
    static void edgeTile(GemmCall q, int kc, float[] pa, int ai, float[] pb, int bi, int bs, float[] t,
                                 int i, int j, int mr, int nr, boolean load, int e, int[] kIdx, int[] kCnt) {
        float[] c = q.c;
        if (load) {
            java.util.Arrays.fill(t, 0f);
            for (int r = 0; r < mr; r++) {
                int ci = q.cOff + (i + r) * q.ors + j * q.ocs;
                for (int x = 0; x < nr; x++) t[r * NR + x] = c[ci + x * q.ocs];
            }
        }
        if (kIdx != null) MicroKernels.kernelSkipping(kCnt[ai / MR], kIdx, ai / MR, pa, ai, pb, bi, t, 0, NR, load, 0, null, 0);
        else MicroKernels.kernel(kc, pa, ai, pb, bi, bs, t, 0, NR, load, 0, null, 0);
        for (int r = 0; r < mr; r++) {
            int ci = q.cOff + (i + r) * q.ors + j * q.ocs;
            for (int x = 0; x < nr; x++) {
                float v = t[r * NR + x];
                if (e != 0) v = epi(v, e, q.bias, q.biasOff + (q.biasOnRows ? i + r : j + x));
                c[ci + x * q.ocs] = v;
            }
        }
    }
}
