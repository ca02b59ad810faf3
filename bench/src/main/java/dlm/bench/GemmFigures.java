package dlm.bench;

import dlm.runtime.kernels.Gemm;
import dlm.runtime.kernels.KernelPool;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import jdk.incubator.vector.FloatVector;

/**
 * DLM's fp32 GEMM GFLOP/s on the MNIST model's products and 1024³, measured exactly the way
 * {@code bench/compare/gemm_numpy.py} measures NumPy, so that {@code bench/compare.sh} can put the
 * two side by side: the same shapes and operand layouts (a transposed operand is stored transposed
 * and read through the transpose flag), calls per sample doubled until a sample lasts
 * {@code --min-seconds}, the median of {@code --samples} samples; and the same one-line JSON, plus
 * the JVM's preferred vector width ({@code vector_bits}) and the kernel's register tile ({@code tile}).
 *
 * <p>Why not the JMH {@link GemmBench} for that table: JMH's score is the mean of its iterations,
 * NumPy's figure a median; on this shared, noisy machine kind a mean and a median of the same runs
 * differ by more than the kernels do. JMH stays the tool for studying one kernel.
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dlm.bench.GemmFigures --threads 2
 * </pre>
 */
public final class GemmFigures {
    private GemmFigures() {}

    /** One product as gemm_numpy.py lays it out: C (m×n) = op(A) (m×k) · op(B) (k×n). */
    record Shape(String label, int m, int k, int n, boolean tA, boolean tB) {}

    static final List<Shape> SHAPES = List.of(
            new Shape("x·W1 (128x784)·(784x512)", 128, 784, 512, false, false),
            new Shape("xᵀ·dh (128x784)ᵀ·(128x512)", 784, 128, 512, true, false),
            new Shape("h·W2 (128x512)·(512x10)", 128, 512, 10, false, false),
            new Shape("dz·W2ᵀ (128x10)·(512x10)ᵀ", 128, 10, 512, false, true),
            new Shape("hᵀ·dz (128x512)ᵀ·(128x10)", 512, 128, 10, true, false),
            new Shape("1024³", 1024, 1024, 1024, false, false));

    public static void main(String[] args) {
        int threads = KernelPool.size(), samples = 7;
        double minSeconds = 0.05, warmupSeconds = 1.0;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(need(args[i], value));
                case "--samples" -> samples = Integer.parseInt(need(args[i], value));
                case "--min-seconds" -> minSeconds = Double.parseDouble(need(args[i], value));
                case "--warmup-seconds" -> warmupSeconds = Double.parseDouble(need(args[i], value));
                default -> {
                    System.err.println("usage: GemmFigures [--threads N] [--samples N] [--min-seconds S] [--warmup-seconds S]");
                    System.exit(2);
                }
            }
            i++;
        }
        if (threads < 1 || threads > KernelPool.size()) {
            System.err.println("GemmFigures: --threads must be 1.." + KernelPool.size() + " (the kernel pool's size)");
            System.exit(2);
        }
        KernelPool.setParallelism(threads);
        Random rng = new Random(0);
        List<String> results = new ArrayList<>();
        for (Shape s : SHAPES) {
            double g = gflops(s, samples, minSeconds, warmupSeconds, rng);
            results.add(String.format(Locale.ROOT, "{\"shape\": \"%s\", \"m\": %d, \"k\": %d, \"n\": %d, \"gflops\": %.3f}",
                    s.label(), s.m(), s.k(), s.n(), g));
        }
        // The vector width the JVM gives the kernels on this CPU, and the register tile they use with it.
        int vectorBits = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        String tile = Gemm.MR + "x" + Gemm.NR;
        // The FMA units' measured throughput on as many threads, for the fraction of it each product reaches.
        double peak;
        try {
            peak = FmaPeak.gflops(threads, 0.6);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        System.out.println("{\"threads\": " + threads + ", \"blas\": \"DLM Gemm (Vector API, " + vectorBits + "-bit, " + tile
                + " tile)\", \"vector_bits\": " + vectorBits + ", \"tile\": \"" + tile + "\", \"fma_peak_gflops\": "
                + String.format(Locale.ROOT, "%.1f", peak) + ", \"results\": ["
                + String.join(", ", results) + "]}");
    }

    private static String need(String flag, String value) {
        if (value == null) {
            System.err.println("GemmFigures: " + flag + " needs a value");
            System.exit(2);
        }
        return value;
    }

    static double gflops(Shape s, int samples, double minSeconds, double warmupSeconds, Random rng) {
        int m = s.m(), k = s.k(), n = s.n();
        float[] a = random(rng, m * k), b = random(rng, k * n), c = new float[m * n];
        int lda = s.tA() ? m : k, ldb = s.tB() ? k : n;
        Runnable call = () -> Gemm.sgemm(s.tA(), s.tB(), m, n, k, a, 0, lda, b, 0, ldb, c, 0, n, false);
        // The JIT compiles the kernels during the warm-up (NumPy's are compiled ahead of time).
        long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        do call.run(); while (System.nanoTime() < warmEnd);
        int calls = 1;
        double t = 0;
        while (t < minSeconds) {
            calls *= 2;
            t = timed(call, calls);
        }
        double[] times = new double[samples];
        for (int i = 0; i < samples; i++) times[i] = timed(call, calls) / calls;
        Arrays.sort(times);
        double median = samples % 2 == 1 ? times[samples / 2] : (times[samples / 2 - 1] + times[samples / 2]) / 2;
        return 2.0 * m * k * n / median / 1e9;
    }

    private static double timed(Runnable call, int calls) {
        long t0 = System.nanoTime();
        for (int i = 0; i < calls; i++) call.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    private static float[] random(Random rng, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) x[i] = (float) rng.nextGaussian();
        return x;
    }
}
