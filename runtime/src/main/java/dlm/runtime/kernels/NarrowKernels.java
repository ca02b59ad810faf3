package dlm.runtime.kernels;

import static dlm.runtime.kernels.Gemm.*;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Narrow results (n ≤ 2V, A not transposed) of {@link Gemm}: each row of C is one or two vectors,
 * several rows at a time, broadcasting A's elements straight from A (no packing of A) against
 * op(B) packed k × w.
 */
final class NarrowKernels {
    private NarrowKernels() {}

    /**
     * Rows [i0, i1) of a narrow product (n ≤ 2V, A not transposed): each row of C is one or two
     * vectors, 8 rows at a time, broadcasting A's elements straight from A (no packing of A) against
     * op(B) packed k × NRS.
     */
    static void narrowRows(GemmCall q, int i0, int i1, float[] t) {
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
    static void narrowStore(GemmCall q, float[] t, int ti, float[] c, int ci, int j0, int n) {
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
    static void rows1(int k, float[] a, int ar0, int ar1, int ar2, int ar3, int ar4, int ar5, int ar6, int ar7, float[] pb, float[] t) {
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
    static void rows2Of4(int k, float[] a, int ar0, int ar1, int ar2, int ar3, float[] pb, float[] t, int tOff) {
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
    static void rows2(int k, float[] a, int ar0, int ar1, int ar2, int ar3, int ar4, int ar5, int ar6, int ar7, float[] pb, float[] t) {
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
