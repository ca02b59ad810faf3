package dlm.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link SmallConv} (forward passes of kernels of at most {@link SmallConv#MAX_TAPS} taps) against
 * the implicit GEMM it replaces, bit for bit (raw bits: signs of zeros too), on random geometries
 * with strides, dilation, padding, output channels off the vector width, zeros in the data, and
 * 1, 2 and 3 threads.
 */
class SmallConvTest {

    static ConvGeometry randomSmall(Random r) {
        while (true) {
            ConvGeometry g = ConvGeometry.random(r);
            if (g.kh() * g.kw() * g.c() <= SmallConv.MAX_TAPS) return g;
        }
    }

    static float[] data(Random r, int size) {
        float[] a = ConvGeometry.random(r, size);
        for (int i = 0; i < size; i++) if (r.nextInt(4) == 0) a[i] = r.nextBoolean() ? 0f : -0f; // zero pixels, both signs
        return a;
    }

    static void assertBits(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++)
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i]))
                fail(what + ": element " + i + " is " + got[i] + ", the GEMM gives " + want[i]);
    }

    static void check(ConvGeometry g, Random r) {
        float[] x = data(r, g.xSize()), k = data(r, g.kSize()), dy = data(r, g.ySize());
        float[] bias = r.nextBoolean() ? data(r, g.f()) : null;
        boolean relu = r.nextBoolean();
        float[] want = new float[g.ySize()], got = new float[g.ySize()];
        Convolution.conv2dGemm(x, 0, k, 0, bias, 0, relu, want, 0, g.n(), g.h(), g.w(), g.c(), g.kh(), g.kw(), g.f(), g.oh(), g.ow(),
                g.sh(), g.sw(), g.dh(), g.dw(), g.padTop(), g.padLeft());
        SmallConv.conv2d(x, 0, k, 0, bias, 0, relu, got, 0, g.n(), g.h(), g.w(), g.c(), g.kh(), g.kw(), g.f(), g.oh(), g.ow(),
                g.sh(), g.sw(), g.dh(), g.dw(), g.padTop(), g.padLeft());
        assertBits(want, got, "forward " + g);
    }

    @Test
    void randomGeometriesAreTheGemmsBits() {
        Random r = new Random(21);
        for (int t = 0; t < 400; t++) check(randomSmall(r), r);
    }

    @Test
    void manyOutputPositionsAndThreads() {
        Random r = new Random(22);
        int before = KernelPool.parallelism();
        try {
            for (int threads : new int[] {1, 2, 3}) {
                KernelPool.setParallelism(threads);
                check(new ConvGeometry(8, 28, 28, 1, 3, 3, 32, 26, 26, 1, 1, 1, 1, 0, 0), r);   // the book's conv1
                check(new ConvGeometry(5, 17, 19, 3, 3, 3, 20, 17, 19, 1, 1, 1, 1, 1, 1), r);   // RGB, "same", 27 taps
                check(new ConvGeometry(3, 30, 30, 2, 4, 4, 9, 14, 14, 2, 2, 1, 1, 1, 1), r);    // 32 taps, strided
            }
        } finally {
            KernelPool.setParallelism(before);
        }
    }

    @Test
    void noAllocationInSteadyState() {
        ConvGeometry g = new ConvGeometry(2, 28, 28, 1, 3, 3, 32, 26, 26, 1, 1, 1, 1, 0, 0);
        float[] x = new float[g.xSize()], k = new float[g.kSize()], y = new float[g.ySize()], b = new float[32];
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Runnable call = () -> SmallConv.conv2d(x, 0, k, 0, b, 0, true, y, 0, 2, 28, 28, 1, 3, 3, 32, 26, 26, 1, 1, 1, 1, 0, 0);
        for (int i = 0; i < 3000; i++) call.run();
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 200; i++) call.run();
        assertTrue(mx.getCurrentThreadAllocatedBytes() - before < 4096, "allocates");
    }
}
