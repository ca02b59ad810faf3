package dlm.bench;

import dlm.runtime.data.Dataset;
import dlm.runtime.data.DatasetOptions;
import dlm.runtime.data.Datasets;
import dlm.runtime.exec.Blas;
import dlm.runtime.kernels.Epilogue;
import dlm.runtime.kernels.Gemm;
import dlm.runtime.kernels.KernelPool;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * FP32 GEMM ({@link Gemm#sgemm}) on the MNIST model's products (784-512(relu)-10, batch 128) and on
 * 1024³, with 1 and 2 threads ({@link KernelPool#setParallelism}).
 *
 * <p><b>The score is GFLOP/s:</b> each benchmark declares its product's floating-point operations in
 * thousands ({@code @OperationsPerInvocation}, 2·m·n·k / 1000) and reports per microsecond, and
 * kFLOP/µs = GFLOP/s. Run on demand:
 * <pre>
 *   mvn -B -pl bench -am package -DskipTests
 *   java -jar bench/target/benchmarks.jar GemmBench -f 1 -wi 3 -i 5 -w 1 -r 1
 * </pre>
 * Names: {@code fwd1} x·W1 (128×784)·(784×512); {@code dW1} xᵀ·dh (784×128)·(128×512) with x stored
 * 128×784; {@code fwd2} h·W2 (128×512)·(512×10); {@code dh} dlogits·W2ᵀ (128×10)·(10×512) with W2
 * stored 512×10; {@code dW2} hᵀ·dlogits (512×128)·(128×10) with h stored 128×512; {@code sq1024}
 * 1024×1024×1024. {@code fwd1BiasRelu} is fwd1 with the fused bias + ReLU epilogue; {@code fwd1U8}
 * and {@code dW1U8} take x from u8 pixels (MNIST's when found) through a table, as the compiled MNIST step
 * does, where the GEMM skips all-zero k steps (their scores count the dense flops).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
public class GemmBench {

    @Param({"1", "2"})
    public int threads;

    /** One product's operands, stored as the model stores them. */
    static final class Problem {
        final boolean tA, tB;
        final int m, n, k, lda, ldb;
        final float[] a, b, c, bias;

        Problem(Random r, boolean tA, boolean tB, int m, int n, int k) {
            this.tA = tA; this.tB = tB; this.m = m; this.n = n; this.k = k;
            lda = tA ? m : k;
            ldb = tB ? k : n;
            a = random(r, m * k);
            b = random(r, k * n);
            c = new float[m * n];
            bias = random(r, n);
        }

        float[] run() {
            Gemm.sgemm(tA, tB, m, n, k, a, 0, lda, b, 0, ldb, c, 0, n, false);
            return c;
        }

        float[] runBiasRelu() {
            Gemm.sgemm(tA, tB, m, n, k, a, 0, lda, b, 0, ldb, c, 0, n, false, bias, 0, Epilogue.BIAS_RELU);
            return c;
        }

        /** op(A) as u8 pixels through the table c/255 ({@code images.toF32() / 255f}), as the compiled step runs it. */
        float[] runTable(byte[] pixels, float[] table, int epilogue) {
            Blas.sgemmTable(tA, tB, m, n, k, pixels, 0, lda, table, b, 0, ldb, c, 0, n, bias, 0, epilogue);
            return c;
        }

        private static float[] random(Random r, int len) {
            float[] x = new float[len];
            for (int i = 0; i < len; i++) x[i] = r.nextFloat() - 0.5f;
            return x;
        }
    }

    Problem fwd1, dW1, fwd2, dh, dW2, sq1024;
    /** A batch of 128 images' pixels: MNIST's first 128 training images when found, else synthetic digits. */
    byte[] pixels;
    final float[] table = new float[256];

    @Setup(Level.Trial)
    public void setup() {
        if (threads > KernelPool.size())
            throw new IllegalStateException("the kernel pool has " + KernelPool.size() + " threads, the benchmark wants " + threads);
        KernelPool.setParallelism(threads);
        Random r = new Random(1);
        fwd1 = new Problem(r, false, false, 128, 512, 784);
        dW1 = new Problem(r, true, false, 784, 512, 128);
        fwd2 = new Problem(r, false, false, 128, 10, 512);
        dh = new Problem(r, false, true, 128, 512, 10);
        dW2 = new Problem(r, true, false, 512, 10, 128);
        sq1024 = new Problem(r, false, false, 1024, 1024, 1024);
        for (int c = 0; c < 256; c++) table[c] = c / 255f;
        pixels = mnistPixels();
        if (pixels == null) {
            // Digit-like: strokes only in the central 20×20 (MNIST's borders are blank), 45% of it
            // inked: 23% nonzero overall, and about half the k steps of x·W1 survive, as with MNIST.
            // (Zeros scattered at random would leave almost no all-zero steps.)
            pixels = new byte[128 * 784];
            for (int img = 0; img < 128; img++)
                for (int y = 4; y < 24; y++)
                    for (int x = 4; x < 24; x++)
                        if (r.nextDouble() < 0.45) pixels[img * 784 + y * 28 + x] = (byte) (1 + r.nextInt(255));
        }
    }

    /** MNIST's first 128 training images when the data set is found ($DLM_DATA, ~/.dlm/datasets; no download). */
    private static byte[] mnistPixels() {
        try {
            Dataset data = Datasets.load("mnist", DatasetOptions.defaults().withDownload(false));
            return java.util.Arrays.copyOf((byte[]) data.trainImages().storage(), 128 * 784);
        } catch (RuntimeException e) {
            System.err.println("GemmBench: MNIST not found (" + e.getMessage() + "); the u8 benchmarks use synthetic digits");
            return null;
        }
    }

    @Benchmark
    @OperationsPerInvocation(102_760)     // 2·128·512·784 / 1000
    public float[] fwd1() { return fwd1.run(); }

    @Benchmark
    @OperationsPerInvocation(102_760)
    public float[] fwd1BiasRelu() { return fwd1.runBiasRelu(); }

    @Benchmark
    @OperationsPerInvocation(102_760)     // 2·784·512·128 / 1000
    public float[] dW1() { return dW1.run(); }

    /**
     * fwd1 as the MNIST train step runs it: x from u8 pixels (mostly zero) through the table, bias and
     * relu fused; the GEMM skips the k steps where 8 images' pixels are all zero. The score counts
     * the dense product's flops, so it is comparable with {@code fwd1BiasRelu}.
     */
    @Benchmark
    @OperationsPerInvocation(102_760)
    public float[] fwd1U8() { return fwd1.runTable(pixels, table, 3); }

    /** dW1 as the train step runs it: xᵀ from the same u8 pixels (dense flops counted). */
    @Benchmark
    @OperationsPerInvocation(102_760)
    public float[] dW1U8() { return dW1.runTable(pixels, table, 0); }

    @Benchmark
    @OperationsPerInvocation(1_311)       // 2·128·10·512 / 1000
    public float[] fwd2() { return fwd2.run(); }

    @Benchmark
    @OperationsPerInvocation(1_311)       // 2·128·512·10 / 1000
    public float[] dh() { return dh.run(); }

    @Benchmark
    @OperationsPerInvocation(1_311)       // 2·512·10·128 / 1000
    public float[] dW2() { return dW2.run(); }

    @Benchmark
    @OperationsPerInvocation(2_147_484)   // 2·1024³ / 1000
    public float[] sq1024() { return sq1024.run(); }
}
