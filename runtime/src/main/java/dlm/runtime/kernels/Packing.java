package dlm.runtime.kernels;

import static dlm.runtime.kernels.Gemm.*;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packing of the GEMM's operands into the micro-kernel's panels: op(A) into MR-row panels (k steps of
 * MR floats), op(B) into NR-wide panels; and the zero-step compaction of op(A)'s panels.
 */
final class Packing {
    private Packing() {}

    /** Holds one k step of a packed A panel of 8 rows. */
    static final VectorSpecies<Float> PANEL = FloatVector.SPECIES_256;

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
            if (MR == 8) {
                // one 256-bit vector a step
                for (int p = 0, src = o; p < kc; p++, src += MR) {
                    FloatVector v = FloatVector.fromArray(PANEL, pa, src);
                    long nonzero = v.compare(VectorOperators.NE, 0f).toLong();
                    v.intoArray(pa, o + kept * MR);
                    kIdx[base + kept] = p * NR;
                    kept += (int) ((nonzero | -nonzero) >>> 63);
                }
            } else {
                // other panel heights: scalars (masked vector loads and stores are not compiled to
                // vector instructions on every CPU; on AVX2 they ran in Java). A value is nonzero when
                // its bits without the sign are.
                for (int p = 0, src = o; p < kc; p++, src += MR) {
                    int dst = o + kept * MR, any = 0;
                    for (int r = 0; r < MR; r++) {
                        float x = pa[src + r];
                        any |= Float.floatToRawIntBits(x) & 0x7fffffff;
                        pa[dst + r] = x;
                    }
                    kIdx[base + kept] = p * NR;
                    kept += (any | -any) >>> 31;
                }
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
                    for (int p = 0; p < kc; p++, d += MR, src += cs) System.arraycopy(x, src, dst, d, MR);
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

    static final ThreadLocal<int[]> GATHER = ThreadLocal.withInitial(() -> new int[V + 1]);

    /** {0, stride, 2·stride, …} (V lanes), cached per thread; the last element remembers the stride. */
    static int[] gatherIndex(int stride) {
        int[] idx = GATHER.get();
        if (idx[V] != stride) {
            for (int i = 0; i < V; i++) idx[i] = i * stride;
            idx[V] = stride;
        }
        return idx;
    }
}
