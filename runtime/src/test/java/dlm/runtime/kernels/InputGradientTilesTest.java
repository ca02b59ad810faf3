package dlm.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link InputGradientTiles} (dy·kᵀ in register tiles added straight into dx) against
 * {@link ConvInputGradient}'s GEMM + col2im and against {@link ConvReference#backpropInputExact}, bit
 * for bit (raw bits): random geometries whose channels are a multiple of the vector width (strides,
 * dilation, every padding, partial tiles, an odd number of vectors of columns, several blocks of
 * output positions), 1, 2 and 3 threads, the largest kernel and filter count it takes, and the
 * geometries it leaves to the GEMM; the same in child JVMs at AVX2's width and with the other tile.
 */
class InputGradientTilesTest {

    static void assertBits(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++)
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i]))
                fail(what + ": element " + i + " is " + got[i] + ", want " + want[i]);
    }

    /** dx of geometry g through Convolution, with the tiles on or off; dx sits at an offset, its surroundings must stay 7. */
    static float[] dx(ConvGeometry g, float[] dy, float[] k, boolean tiles) {
        int off = 3;
        float[] dyS = new float[dy.length + off], kS = new float[k.length + off], out = new float[g.xSize() + 2 * off];
        System.arraycopy(dy, 0, dyS, off, dy.length);
        System.arraycopy(k, 0, kS, off, k.length);
        java.util.Arrays.fill(out, 7f);
        boolean before = InputGradientTiles.enabled;
        try {
            InputGradientTiles.enabled = tiles;
            Convolution.conv2dBackpropInput(dyS, off, kS, off, out, off, g.n(), g.h(), g.w(), g.c(), g.kh(), g.kw(), g.f(), g.oh(), g.ow(),
                    g.sh(), g.sw(), g.dh(), g.dw(), g.padTop(), g.padLeft());
        } finally {
            InputGradientTiles.enabled = before;
        }
        for (int i = 0; i < off; i++) {
            assertEquals(7f, out[i], "written before dx");
            assertEquals(7f, out[off + g.xSize() + i], "written after dx");
        }
        return java.util.Arrays.copyOfRange(out, off, off + g.xSize());
    }

    /** The tiles against the GEMM + col2im path and the exact reference (skipped when large). */
    static void check(ConvGeometry g, Random r) {
        assertTrue(InputGradientTiles.applies(g.c(), g.kh(), g.kw(), g.f()), "the tiles take " + g);
        float[] dy = DirectGemmTest.data(r, g.ySize()), k = DirectGemmTest.data(r, g.kSize());
        float[] want = dx(g, dy, k, false), got = dx(g, dy, k, true);
        assertBits(want, got, "against GEMM + col2im, " + g);
        if ((long) g.ySize() * g.kh() * g.kw() * g.c() < 20_000_000L) assertBits(ConvReference.backpropInputExact(g, dy, k), got, "against the reference, " + g);
    }

    /** A random geometry (see {@link ConvGeometry#random}) with 1-3 vectors of channels and some filter count up to KC. */
    static ConvGeometry random(Random r) {
        ConvGeometry g;
        do g = ConvGeometry.random(r); while (g.kh() * g.kw() > 64);
        int[] filters = {1, 3, 17, 40, 64, 129, Gemm.KC};
        return new ConvGeometry(g.n(), g.h(), g.w(), Gemm.V * (1 + r.nextInt(3)), g.kh(), g.kw(), filters[r.nextInt(filters.length)],
                g.oh(), g.ow(), g.sh(), g.sw(), g.dh(), g.dw(), g.padTop(), g.padLeft());
    }

    /** The checks the child JVMs run too. */
    static void checkAll(Random r, int geometries) {
        try (var saved = KernelSettings.save()) {
            Gemm.parallelMinFlops = 0;
            for (int threads : new int[] {1, 2, 3}) {
                KernelPool.setParallelism(threads);
                for (int t = 0; t < geometries; t++) check(random(r), r);
                check(new ConvGeometry(3, 13, 13, 32, 3, 3, 64, 11, 11, 1, 1, 1, 1, 0, 0), r);     // the book's conv2: 363 rows, several blocks
                check(new ConvGeometry(5, 5, 5, 64, 3, 3, 128, 3, 3, 1, 1, 1, 1, 0, 0), r);       // conv3, five images on 2 and 3 threads
                check(new ConvGeometry(2, 13, 13, 32, 3, 3, 64, 13, 13, 1, 1, 1, 1, 1, 1), r);    // "same": border taps dropped
                check(new ConvGeometry(2, 15, 14, Gemm.V, 3, 2, 40, 5, 6, 3, 2, 2, 2, 1, 0), r);   // strides, dilation, 6 vectors of columns
                check(new ConvGeometry(1, 9, 9, Gemm.V, 3, 3, 7, 7, 7, 1, 1, 1, 1, 0, 0), r);      // 9 vectors: the last panel is half
                check(new ConvGeometry(1, 3, 3, Gemm.V, 3, 3, 5, 1, 1, 1, 1, 1, 1, 0, 0), r);      // one output position: a tile of one row
                check(new ConvGeometry(2, 8, 8, Gemm.V, 8, 8, 3, 3, 3, 1, 1, 1, 1, 1, 1), r);      // 64 taps
                check(new ConvGeometry(1, 2, 70, Gemm.V, 1, 64, 9, 2, 7, 1, 1, 1, 1, 0, 0), r);    // 64 taps in one row
                check(new ConvGeometry(2, 6, 6, Gemm.V, 3, 3, Gemm.KC, 4, 4, 1, 1, 1, 1, 0, 0), r); // KC filters: one k block
            }
        }
    }

    @Test
    void theTilesGiveTheGemmPathsBits() {
        checkAll(new Random(41), 60);
    }

    @Test
    void threadCountsAgree() {
        Random r = new Random(42);
        ConvGeometry g = new ConvGeometry(7, 13, 13, 32, 3, 3, 64, 11, 11, 1, 1, 1, 1, 0, 0);
        float[] dy = DirectGemmTest.data(r, g.ySize()), k = DirectGemmTest.data(r, g.kSize());
        try (var saved = KernelSettings.save()) {
            KernelPool.setParallelism(1);
            float[] one = dx(g, dy, k, true);
            for (int threads : new int[] {2, 3, 4}) {
                KernelPool.setThreads(threads);
                assertBits(one, dx(g, dy, k, true), threads + " threads");
            }
        }
    }

    @Test
    void otherGeometriesKeepTheGemm() {
        assertFalse(InputGradientTiles.applies(Gemm.V + 1, 3, 3, 64), "channels not a multiple of the vector width");
        assertFalse(InputGradientTiles.applies(3, 3, 3, 64), "three channels");
        assertFalse(InputGradientTiles.applies(Gemm.V, 3, 3, Gemm.KC + 1), "more filters than one k block");
        assertFalse(InputGradientTiles.applies(Gemm.V, 5, 13, 8), "65 taps");
        assertFalse(InputGradientTiles.applies(Gemm.V, 3, 3, 0), "no filters");
        assertTrue(InputGradientTiles.applies(32, 3, 3, 64), "the book's conv2");
        assertTrue(InputGradientTiles.applies(64, 3, 3, 128), "the book's conv3");
        // and those stay right (the GEMM path, against the reference)
        Random r = new Random(43);
        for (ConvGeometry g : new ConvGeometry[] {
                new ConvGeometry(2, 6, 6, Gemm.V, 3, 3, Gemm.KC + 1, 4, 4, 1, 1, 1, 1, 0, 0),
                new ConvGeometry(1, 5, 13, Gemm.V, 5, 13, 2, 1, 1, 1, 1, 1, 1, 0, 0),
                new ConvGeometry(2, 6, 6, Gemm.V + 1, 3, 3, 9, 4, 4, 1, 1, 1, 1, 0, 0)}) {
            float[] dy = DirectGemmTest.data(r, g.ySize()), k = DirectGemmTest.data(r, g.kSize());
            assertBits(ConvReference.backpropInputExact(g, dy, k), dx(g, dy, k, true), g.toString());
        }
    }

    @Test
    void noImagesAndSparseTaps() {
        float[] dx = {9, 9};
        Convolution.conv2dBackpropInput(new float[0], 0, new float[Gemm.V * 9 * 4], 0, dx, 0, 0, 3, 3, Gemm.V, 3, 3, 4, 1, 1, 1, 1, 1, 1, 0, 0);
        assertEquals(9f, dx[0], "no images: nothing written");
        // one output position per image, stride 5, dilation 2: four of the nine input cells get a term, the others stay zero
        ConvGeometry g = new ConvGeometry(2, 3, 3, Gemm.V, 2, 2, 3, 1, 1, 5, 5, 2, 2, 0, 0);
        Random r = new Random(44);
        float[] dy = DirectGemmTest.data(r, g.ySize()), k = DirectGemmTest.data(r, g.kSize());
        float[] got = dx(g, dy, k, true);
        assertBits(ConvReference.backpropInputExact(g, dy, k), got, g.toString());
        assertEquals(0f, got[Gemm.V], "cell (0, 1) is read by no tap");
    }

    @Test
    void noAllocationInSteadyState() {
        ConvGeometry g = new ConvGeometry(2, 13, 13, 32, 3, 3, 64, 11, 11, 1, 1, 1, 1, 0, 0);
        float[] dy = new float[g.ySize()], k = new float[g.kSize()], dx = new float[g.xSize()];
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        try (var saved = KernelSettings.save()) {
            KernelPool.setParallelism(1);
            long least = Long.MAX_VALUE;
            long deadline = System.nanoTime() + 60_000_000_000L;
            for (int attempt = 0; (attempt < 300 || System.nanoTime() < deadline) && least > 0; attempt++) {
                long before = mx.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 10; i++) Convolution.conv2dBackpropInput(dy, 0, k, 0, dx, 0, 2, 13, 13, 32, 3, 3, 64, 11, 11, 1, 1, 1, 1, 0, 0);
                least = Math.min(least, mx.getCurrentThreadAllocatedBytes() - before);
            }
            assertEquals(0, least, "bytes allocated by 10 calls");
        }
    }

    /** The same checks in child JVMs: AVX2's width with its 4-row tile and with the 8-row one, the 4-row tile at AVX-512's width, 4 lanes. */
    @ParameterizedTest
    @ValueSource(strings = {"-XX:UseAVX=2", "-XX:UseAVX=2 -Ddlm.gemm.registers=32", "-Ddlm.gemm.registers=16", "-XX:MaxVectorSize=16"})
    void otherVectorWidthsAndTiles(String jvmOptions) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(javaBin, "--add-modules", "jdk.incubator.vector"));
        cmd.addAll(List.of(jvmOptions.split(" ")));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), InputGradientTilesCheck.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "child JVM hung: " + out);
        assertEquals(0, p.exitValue(), out);
        if (jvmOptions.contains("registers=16")) assertTrue(out.contains(" tile=6x") && out.contains("input gradient tile=4x"), out);
        if (jvmOptions.contains("registers=32")) assertTrue(out.contains(" tile=8x") && out.contains("input gradient tile=8x"), out);
        if (jvmOptions.equals("-XX:UseAVX=2")) assertTrue(out.contains("lanes=8 ") && out.contains("input gradient tile=4x"), out);
        assertTrue(out.contains(" ok"), out);
    }
}
