package dlm.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Reductions#sumLeading}: bit for bit the scalar loop (double accumulator, row order, one rounding). */
class ReductionsTest {

    static float[] reference(float[] x, int xOff, int outer, int inner) {
        float[] y = new float[inner];
        for (int i = 0; i < inner; i++) {
            double a = 0;
            for (int r = 0; r < outer; r++) a += x[xOff + r * inner + i];
            y[i] = (float) a;
        }
        return y;
    }

    @Test
    void everyWidthAndTailIsTheScalarLoopBitForBit() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int inner : new int[] {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 128, 512, 515})
            for (int outer : new int[] {0, 1, 2, 5, 129}) {
                int off = rnd.nextInt(5);
                float[] x = new float[off + outer * inner + 3];
                // magnitudes over many binades, so a different order of additions would show
                for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextDouble(-1, 1) * Math.pow(2, rnd.nextInt(-20, 20)));
                float[] y = new float[inner + 2];
                y[inner + 1] = 42;
                Reductions.sumLeading(x, off, y, 1, outer, inner);
                float[] want = reference(x, off, outer, inner);
                for (int i = 0; i < inner; i++)
                    assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(y[1 + i]), outer + "x" + inner + " element " + i);
                assertEquals(42f, y[inner + 1], "writes only its output");
            }
    }

    @Test
    void specialValues() {
        float nan = Float.NaN, inf = Float.POSITIVE_INFINITY;
        // columns: -0 + -0 = +0 (the accumulator starts at +0, as the scalar loop's), NaN, inf - inf, 1e30 overflowing float
        float[] x = {-0f, nan, inf, 3e38f, -0f, 1, -inf, 3e38f};
        float[] y = new float[4];
        Reductions.sumLeading(x, 0, y, 0, 2, 4);
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(y[0]));
        assertTrue(Float.isNaN(y[1]) && Float.isNaN(y[2]));
        assertEquals(inf, y[3]);
    }

    @Test
    void badArgumentsAndNoAllocation() {
        assertThrows(IndexOutOfBoundsException.class, () -> Reductions.sumLeading(new float[10], 0, new float[5], 0, 3, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> Reductions.sumLeading(new float[12], 0, new float[3], 0, 3, 4));
        assertThrows(IllegalArgumentException.class, () -> Reductions.sumLeading(new float[12], 0, new float[3], 0, -1, 4));
        float[] x = new float[64 * 33], y = new float[33];
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 20_000; i++) Reductions.sumLeading(x, 0, y, 0, 64, 33);
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1000; i++) Reductions.sumLeading(x, 0, y, 0, 64, 33);
        assertTrue(mx.getCurrentThreadAllocatedBytes() - before < 4096, "allocates");
    }
}
