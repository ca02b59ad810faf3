package dlm.runtime.kernels;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GemmTest {

    private static void assertOk(GemmCheck g) {
        String err = g.verify(g.runKernel());
        assertNull(err, err);
    }

    @Test
    void randomSmallShapesAllLayoutsAndEpilogues() {
        Random r = new Random(7);
        Epilogue[] es = Epilogue.values();
        for (int t = 0; t < 600; t++) {
            int m = 1 + r.nextInt(70), n = 1 + r.nextInt(70), k = 1 + r.nextInt(70);
            assertOk(new GemmCheck(r, (t & 1) != 0, (t & 2) != 0, m, n, k, (t & 4) != 0, r.nextBoolean(), es[r.nextInt(es.length)]));
        }
    }

    @Test
    void tilesAndTailsAroundTheRegisterTile() {
        // remainders of m modulo MR (and the narrow path's 8 rows), n around V, 2V = NR and SMALL_N, k around a vector
        Random r = new Random(11);
        int[] ms = {1, Gemm.MR - 1, Gemm.MR, Gemm.MR + 1, 2 * Gemm.MR + 3, 17};
        int[] ns = {1, 3, 4, 5, Gemm.V - 1, Gemm.V, Gemm.V + 1, Gemm.SMALL_N - 1, Gemm.SMALL_N, Gemm.NR - 1, Gemm.NR, Gemm.NR + 1, 2 * Gemm.NR + 5};
        int[] ks = {1, Gemm.V - 1, Gemm.V, Gemm.V + 1, 3 * Gemm.V + 7};
        for (int m : ms) for (int n : ns) for (int k : ks) for (int layout = 0; layout < 4; layout++)
            assertOk(new GemmCheck(r, (layout & 1) != 0, (layout & 2) != 0, m, n, k, true, (m + n + k) % 2 == 0, Epilogue.BIAS));
    }

    /**
     * The narrow path (n ≤ 2V, n &lt; SMALL_N, A not transposed) packs op(B) with masked vector
     * loads and writes C with masked vector stores: every n on both sides of V, rows not a multiple
     * of 8, offsets and padded leading dimensions (C's padding must stay untouched), accumulation and
     * every epilogue, B stored either way.
     */
    @Test
    void narrowPathMaskedLoadsAndStores() {
        Random r = new Random(17);
        Epilogue[] es = Epilogue.values();
        int maxN = Math.min(2 * Gemm.V, Gemm.SMALL_N - 1);
        for (int n = 1; n <= maxN; n++) {
            for (int m : new int[] {1, 7, 9, 21}) {
                for (int k : new int[] {1, 3, 17, 130}) {
                    for (int layout = 0; layout < 4; layout++) {
                        boolean tB = (layout & 1) != 0, acc = (layout & 2) != 0;
                        assertOk(new GemmCheck(r, false, tB, m, n, k, true, acc, es[(n + m + layout) % es.length]));
                    }
                }
            }
        }
    }

    /** The narrow path allocates nothing per call once compiled (a boxed vector mask cost 48 bytes a row). */
    @Test
    void narrowPathDoesNotAllocate() {
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        int[][] shapes = {{128, 10, 512}, {128, 20, 100}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            float[] a = new float[m * k], b = new float[k * n], c = new float[m * n], bias = new float[n];
            long least = Long.MAX_VALUE;
            for (int attempt = 0; attempt < 200 && least > 0; attempt++) {
                long before = mx.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 100; i++)
                    Gemm.sgemm(false, i % 2 == 0, m, n, k, a, 0, k, b, 0, i % 2 == 0 ? k : n, c, 0, n, i % 3 == 0, bias, 0, Epilogue.BIAS_RELU);
                least = Math.min(least, mx.getCurrentThreadAllocatedBytes() - before);
            }
            assertEquals(0, least, "bytes allocated by 100 calls of " + m + "x" + n + "x" + k);
        }
    }

    @Test
    void multipleKAndRowAndColumnBlocks() {
        // k > KC (several k blocks, accumulated through C), m > MC, n > NC
        Random r = new Random(13);
        for (int layout = 0; layout < 4; layout++) {
            boolean tA = (layout & 1) != 0, tB = (layout & 2) != 0;
            assertOk(new GemmCheck(r, tA, tB, 9, 50, 2 * Gemm.KC + 17, true, false, Epilogue.BIAS_RELU));
            assertOk(new GemmCheck(r, tA, tB, Gemm.MC + 9, 61, 33, true, true, Epilogue.NONE));
            assertOk(new GemmCheck(r, tA, tB, 6, Gemm.NC + 2 * Gemm.NR + 3, 20, true, true, Epilogue.BIAS));
            assertOk(new GemmCheck(r, tA, tB, 9, 10, 2 * Gemm.KC + 17, true, true, Epilogue.RELU));
        }
    }

    /** The model's products (MNIST 784-512-10, batch 128), each in all four layouts. */
    @ParameterizedTest
    @ValueSource(strings = {"128,512,784", "784,512,128", "128,10,512", "128,512,10", "512,10,128"})
    void modelShapes(String shape) {
        String[] s = shape.split(",");
        int m = Integer.parseInt(s[0]), n = Integer.parseInt(s[1]), k = Integer.parseInt(s[2]);
        Random r = new Random(shape.hashCode());
        for (int layout = 0; layout < 4; layout++) {
            boolean tA = (layout & 1) != 0, tB = (layout & 2) != 0;
            assertOk(new GemmCheck(r, tA, tB, m, n, k, layout == 3, layout == 1, layout == 0 ? Epilogue.BIAS_RELU : Epilogue.NONE));
        }
    }

    @Test
    void kZeroGivesZerosOrKeepsC() {
        float[] c = {5, 6, 7, 8, 9, 10};
        Gemm.sgemm(false, false, 2, 3, 0, new float[0], 0, 0, new float[0], 0, 3, c, 0, 3, true);
        assertArrayEquals(new float[] {5, 6, 7, 8, 9, 10}, c);
        Gemm.sgemm(true, true, 2, 3, 0, new float[0], 0, 2, new float[0], 0, 0, c, 0, 3, false);
        assertArrayEquals(new float[6], c);
        Gemm.sgemm(false, false, 2, 3, 0, null, 0, 0, null, 0, 3, c, 0, 3, false, new float[] {1, -2, 3}, 0, Epilogue.BIAS_RELU);
        assertArrayEquals(new float[] {1, 0, 3, 1, 0, 3}, c);
        // m = 0 or n = 0: nothing is touched
        Gemm.sgemm(false, false, 0, 3, 4, null, 0, 4, new float[12], 0, 3, null, 0, 3, false);
        Gemm.sgemm(false, false, 2, 0, 4, new float[8], 0, 4, null, 0, 0, null, 0, 0, false);
    }

    @Test
    void smallExampleByHand() {
        // [1 2; 3 4] · [5 6; 7 8] = [19 22; 43 50]; with bias (-20, 0) and relu: [0 22; 23 50]
        float[] a = {1, 2, 3, 4}, b = {5, 6, 7, 8}, c = new float[4];
        Gemm.sgemm(false, false, 2, 2, 2, a, 0, 2, b, 0, 2, c, 0, 2, false);
        assertArrayEquals(new float[] {19, 22, 43, 50}, c);
        Gemm.sgemm(true, false, 2, 2, 2, a, 0, 2, b, 0, 2, c, 0, 2, false);   // Aᵀ·B = [26 30; 38 44]
        assertArrayEquals(new float[] {26, 30, 38, 44}, c);
        Gemm.sgemm(false, true, 2, 2, 2, a, 0, 2, b, 0, 2, c, 0, 2, true);    // += A·Bᵀ = [17 23; 39 53]
        assertArrayEquals(new float[] {43, 53, 77, 97}, c);
        Gemm.sgemm(false, false, 2, 2, 2, a, 0, 2, b, 0, 2, c, 0, 2, false, new float[] {-20, 0}, 0, Epilogue.BIAS_RELU);
        assertArrayEquals(new float[] {0, 22, 23, 50}, c);
    }

    @Test
    void referenceByHand() {
        float[] a = {1, 2, 3, 4}, b = {5, 6, 7, 8}, c = {1, 1, 1, 1};
        Gemm.sgemmReference(true, true, 2, 2, 2, a, 0, 2, b, 0, 2, c, 0, 2, true, new float[] {-25, 0}, 0, Epilogue.BIAS_RELU);
        // Aᵀ·Bᵀ = [23 31; 34 46], + 1, + bias, relu
        assertArrayEquals(new float[] {0, 32, 10, 47}, c);
    }

    @Test
    void rejectsBadArguments() {
        float[] x = new float[12];
        assertThrows(IllegalArgumentException.class, () -> Gemm.sgemm(false, false, -1, 2, 2, x, 0, 2, x, 0, 2, x, 0, 2, false));
        assertThrows(IllegalArgumentException.class, () -> Gemm.sgemm(false, false, 2, 2, 3, x, 0, 2, x, 0, 2, x, 0, 2, false));
        assertThrows(IndexOutOfBoundsException.class, () -> Gemm.sgemm(false, false, 4, 4, 4, x, 0, 4, x, 0, 4, x, 0, 4, false));
        assertThrows(IndexOutOfBoundsException.class, () -> Gemm.sgemm(false, false, 2, 2, 2, x, 11, 2, x, 0, 2, x, 0, 2, false));
        assertThrows(NullPointerException.class, () -> Gemm.sgemm(false, false, 2, 2, 2, x, 0, 2, x, 0, 2, x, 0, 2, false, null, 0, Epilogue.BIAS));
        assertThrows(IndexOutOfBoundsException.class, () -> Gemm.sgemm(false, false, 2, 3, 2, x, 0, 2, x, 0, 3, x, 0, 3, false, new float[3], 1, Epilogue.BIAS));
    }

    @Test
    void packASourceMatchesFloatA() {
        // a u8-like source: A stored as bytes, scaled by 1/255 while packing
        Random r = new Random(3);
        int m = 37, n = 70, k = 300;
        byte[] u8 = new byte[m * k];
        r.nextBytes(u8);
        float[] af = new float[m * k];
        for (int i = 0; i < af.length; i++) af[i] = (u8[i] & 0xFF) / 255f;
        PackA src = (i0, rows, p0, kc, dst, off) -> {
            for (int ip = 0; ip < rows; ip += Gemm.MR) {
                for (int p = 0; p < kc; p++) {
                    for (int rr = 0; rr < Gemm.MR; rr++) {
                        int i = i0 + ip + rr;
                        dst[off + ip * kc + p * Gemm.MR + rr] = ip + rr < rows ? (u8[i * k + p0 + p] & 0xFF) / 255f : 0f;
                    }
                }
            }
        };
        float[] b = GemmCheck.random(r, k * n), bias = GemmCheck.random(r, n);
        float[] got = new float[m * n], want = new float[m * n], viaOf = new float[m * n];
        Gemm.sgemm(src, false, m, n, k, b, 0, n, got, 0, n, false, bias, 0, Epilogue.BIAS_RELU);
        Gemm.sgemm(PackA.of(false, af, 0, k), false, m, n, k, b, 0, n, viaOf, 0, n, false, bias, 0, Epilogue.BIAS_RELU);
        Gemm.sgemm(false, false, m, n, k, af, 0, k, b, 0, n, want, 0, n, false, bias, 0, Epilogue.BIAS_RELU);
        assertArrayEquals(want, got);
        assertArrayEquals(want, viaOf);
    }

    /**
     * Parallel results are bitwise identical to single-threaded ones (same arithmetic per element),
     * in the shared mode (one operand packed by all threads, dynamic chunks), the phased mode (big
     * operands: op(B) packed together k block by k block, row chunks claimed) and the static split
     * (each thread packs its own operands).
     */
    @ParameterizedTest
    @ValueSource(strings = {"shared", "phased", "static"})
    void parallelIsBitwiseIdenticalToSingleThreaded(String mode) {
        Random r = new Random(5);
        try (var saved = KernelSettings.save()) {
            Gemm.parallelMinFlops = 0;  // reach the parallel code with small shapes too
            Gemm.sharedMaxFloats = mode.equals("shared") ? Long.MAX_VALUE : 0;
            Gemm.phasedMinRowTiles = mode.equals("phased") ? 2 : Integer.MAX_VALUE;
            int[][] shapes = {{128, 512, 784}, {784, 512, 128}, {128, 10, 512}, {512, 10, 128}, {128, 512, 10},
                    {67, 53, 301}, {5, 200, 40}, {300, 7, 33}, {2, 3, 4}};
            for (int[] s : shapes) {
                for (int layout = 0; layout < 4; layout++) {
                    GemmCheck g = new GemmCheck(r, (layout & 1) != 0, (layout & 2) != 0, s[0], s[1], s[2], true, layout == 2, Epilogue.BIAS_RELU);
                    KernelPool.setParallelism(1);
                    float[] single = g.runKernel();
                    KernelPool.setParallelism(Math.max(2, KernelPool.size()));
                    float[] parallel = g.runKernel();
                    assertArrayEquals(single, parallel, g.describe());
                    assertNull(g.verify(parallel));
                }
            }
        }
    }

    /** Callers on several threads at once: one gets the pool, the others run alone; all are right. */
    @Test
    void concurrentCallers() throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 4; t++) {
            int seed = t;
            Thread th = new Thread(() -> {
                Random r = new Random(seed);
                for (int it = 0; it < 6; it++) {
                    GemmCheck g = new GemmCheck(r, it % 2 == 1, seed % 2 == 1, 128, 200 + seed, 160, true, false, Epilogue.BIAS);
                    String err = g.verify(g.runKernel());
                    if (err != null) errors.add(err);
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) th.join();
        assertEquals(List.of(), errors);
    }

    /**
     * The kernel must be right for every vector width and register tile, and give the same bits:
     * run the self-check in JVMs limited to 256 and 128 bits, with AVX2's 16-register file
     * ({@code -XX:UseAVX=2}, meaningful on x86 with AVX2 or better), and with the tile of the other
     * register-file size forced; each must pass and print this JVM's {@link GemmCheck#digest}.
     */
    @ParameterizedTest
    @ValueSource(strings = {"-XX:MaxVectorSize=32", "-XX:MaxVectorSize=16", "-XX:UseAVX=2",
            "-Ddlm.gemm.registers=16", "-Ddlm.gemm.registers=32 -XX:MaxVectorSize=32", "-Ddlm.gemm.registers=16 -XX:MaxVectorSize=16"})
    void otherVectorWidthsAndTiles(String jvmOptions) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector"));
        cmd.addAll(List.of(jvmOptions.split(" ")));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), GemmCheck.class.getName()));
        Path log = Files.createTempFile("gemm-check", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        boolean finished = p.waitFor(180, TimeUnit.SECONDS);
        if (!finished) p.destroyForcibly().waitFor();
        String out = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.startsWith("WARNING")).collect(Collectors.joining("\n"));
        Files.delete(log);
        assertTrue(finished, "child JVM did not finish (a hang): " + out);
        assertEquals(0, p.exitValue(), out);
        if (jvmOptions.contains("MaxVectorSize=")) {
            int bytes = Integer.parseInt(jvmOptions.replaceAll(".*MaxVectorSize=(\\d+).*", "$1"));
            assertTrue(out.contains("lanes=" + Math.min(bytes / 4, Gemm.V) + " "), out);
        }
        if (jvmOptions.contains("registers=16")) assertTrue(out.contains(" tile=6x"), out);
        if (jvmOptions.contains("registers=32")) assertTrue(out.contains(" tile=8x"), out);
        assertTrue(out.contains(" ok "), out);
        assertTrue(out.endsWith(" digest=" + GemmCheck.digest()), "results differ from this JVM's (" + Gemm.MR + "x" + Gemm.NR + "): " + out);
    }
}
