package dlm.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link InputGradientTiles}' register tiles: {@link MicroKernels}' tiles (rows × two vectors, FMAs in
 * k order from zero, one k block, A and B packed) with an epilogue that adds the tile into dx instead
 * of storing it: row r's vector v goes to {@code dx[corner[i + r] + o_v ..]} when its tap's bit
 * {@code t_v} is set in {@code taps[i + r]}, rows in order. Near-copies of {@link MicroKernels#dense8}
 * because C2 keeps the accumulators in registers only as locals of one method.
 *
 * <p>8 rows with 32 vector registers, 4 with 16: the epilogue's values (dx, the tables, offsets and
 * bits) stay live across the k loop, and with 16 registers the 6-row tile's fused form, or any form
 * with the k loop unrolled by two, came out of C2 3-6× slower, sometimes only after a
 * recompilation; the 4-row tile (8 accumulators) stays at the FMA peak there. See bench/README.md.
 */
final class InputGradientKernels {
    private static final VectorSpecies<Float> S = MicroKernels.S;
    private static final int V = MicroKernels.V, NR = MicroKernels.NR;

    private InputGradientKernels() {}

    static void tile8(int kc, float[] pa, int ai, float[] pb, int bi, float[] dx, int[] corner, long[] taps, int i,
                      int o0, long t0, int o1, long t1) {
        final FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        for (int p = 0; p < kc; p++, bi += NR, ai += 8) {
            FloatVector b0 = FloatVector.fromArray(S, pb, bi), b1 = FloatVector.fromArray(S, pb, bi + V);
            FloatVector x0 = FloatVector.broadcast(S, pa[ai + 0]);
            c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
            FloatVector x1 = FloatVector.broadcast(S, pa[ai + 1]);
            c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
            FloatVector x2 = FloatVector.broadcast(S, pa[ai + 2]);
            c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
            FloatVector x3 = FloatVector.broadcast(S, pa[ai + 3]);
            c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
            FloatVector x4 = FloatVector.broadcast(S, pa[ai + 4]);
            c40 = x4.fma(b0, c40); c41 = x4.fma(b1, c41);
            FloatVector x5 = FloatVector.broadcast(S, pa[ai + 5]);
            c50 = x5.fma(b0, c50); c51 = x5.fma(b1, c51);
            FloatVector x6 = FloatVector.broadcast(S, pa[ai + 6]);
            c60 = x6.fma(b0, c60); c61 = x6.fma(b1, c61);
            FloatVector x7 = FloatVector.broadcast(S, pa[ai + 7]);
            c70 = x7.fma(b0, c70); c71 = x7.fma(b1, c71);
        }
        long m;
        int d;
        m = taps[i + 0]; d = corner[i + 0];
        if ((m & t0) != 0) FloatVector.fromArray(S, dx, d + o0).add(c00).intoArray(dx, d + o0);
        if ((m & t1) != 0) FloatVector.fromArray(S, dx, d + o1).add(c01).intoArray(dx, d + o1);
        m = taps[i + 1]; d = corner[i + 1];
        if ((m & t0) != 0) FloatVector.fromArray(S, dx, d + o0).add(c10).intoArray(dx, d + o0);
        if ((m & t1) != 0) FloatVector.fromArray(S, dx, d + o1).add(c11).intoArray(dx, d + o1);
        m = taps[i + 2]; d = corner[i + 2];
        if ((m & t0) != 0) FloatVector.fromArray(S, dx, d + o0).add(c20).intoArray(dx, d + o0);
        if ((m & t1) != 0) FloatVector.fromArray(S, dx, d + o1).add(c21).intoArray(dx, d + o1);
        m = taps[i + 3]; d = corner[i + 3];
        if ((m & t0) != 0) FloatVector.fromArray(S, dx, d + o0).add(c30).intoArray(dx, d + o0);
        if ((m & t1) != 0) FloatVector.fromArray(S, dx, d + o1).add(c31).intoArray(dx, d + o1);
        m = taps[i + 4]; d = corner[i + 4];
        if ((m & t0) != 0) FloatVector.fromArray(S, dx, d + o0).add(c40).intoArray(dx, d + o0);
        if ((m & t1) != 0) FloatVector.fromArray(S, dx, d + o1).add(c41).intoArray(dx, d + o1);
        m = taps[i + 5]; d = corner[i + 5];
        if ((m & t0) != 0) FloatVector.fromArray(S, dx, d + o0).add(c50).intoArray(dx, d + o0);
        if ((m & t1) != 0) FloatVector.fromArray(S, dx, d + o1).add(c51).intoArray(dx, d + o1);
        m = taps[i + 6]; d = corner[i + 6];
        if ((m & t0) != 0) FloatVector.fromArray(S, dx, d + o0).add(c60).intoArray(dx, d + o0);
        if ((m & t1) != 0) FloatVector.fromArray(S, dx, d + o1).add(c61).intoArray(dx, d + o1);
        m = taps[i + 7]; d = corner[i + 7];
        if ((m & t0) != 0) FloatVector.fromArray(S, dx, d + o0).add(c70).intoArray(dx, d + o0);
        if ((m & t1) != 0) FloatVector.fromArray(S, dx, d + o1).add(c71).intoArray(dx, d + o1);
    }

    static void tile4(int kc, float[] pa, int ai, float[] pb, int bi, float[] dx, int[] corner, long[] taps, int i,
                      int o0, long t0, int o1, long t1) {
        final FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        for (int p = 0; p < kc; p++, bi += NR, ai += 4) {
            FloatVector b0 = FloatVector.fromArray(S, pb, bi), b1 = FloatVector.fromArray(S, pb, bi + V);
            FloatVector x0 = FloatVector.broadcast(S, pa[ai + 0]);
            c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
            FloatVector x1 = FloatVector.broadcast(S, pa[ai + 1]);
            c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
            FloatVector x2 = FloatVector.broadcast(S, pa[ai + 2]);
            c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
            FloatVector x3 = FloatVector.broadcast(S, pa[ai + 3]);
            c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
        }
        long m;
        int d;
        m = taps[i + 0]; d = corner[i + 0];
        if ((m & t0) != 0) FloatVector.fromArray(S, dx, d + o0).add(c00).intoArray(dx, d + o0);
        if ((m & t1) != 0) FloatVector.fromArray(S, dx, d + o1).add(c01).intoArray(dx, d + o1);
        m = taps[i + 1]; d = corner[i + 1];
        if ((m & t0) != 0) FloatVector.fromArray(S, dx, d + o0).add(c10).intoArray(dx, d + o0);
        if ((m & t1) != 0) FloatVector.fromArray(S, dx, d + o1).add(c11).intoArray(dx, d + o1);
        m = taps[i + 2]; d = corner[i + 2];
        if ((m & t0) != 0) FloatVector.fromArray(S, dx, d + o0).add(c20).intoArray(dx, d + o0);
        if ((m & t1) != 0) FloatVector.fromArray(S, dx, d + o1).add(c21).intoArray(dx, d + o1);
        m = taps[i + 3]; d = corner[i + 3];
        if ((m & t0) != 0) FloatVector.fromArray(S, dx, d + o0).add(c30).intoArray(dx, d + o0);
        if ((m & t1) != 0) FloatVector.fromArray(S, dx, d + o1).add(c31).intoArray(dx, d + o1);
    }
}
