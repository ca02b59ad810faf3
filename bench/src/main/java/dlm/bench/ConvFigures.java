package dlm.bench;

import dlm.runtime.exec.Conv;
import dlm.runtime.exec.Pool;
import dlm.runtime.kernels.KernelPool;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * GFLOP/s of {@link Conv}'s f32 convolutions on the book's MNIST convnet at batch 64 — conv1
 * (28×28×1 → 26×26×32), conv2 (13×13×32 → 11×11×64), conv3 (5×5×64 → 3×3×128), all 3×3, stride 1,
 * "valid" — forward (with bias + ReLU), input gradient and kernel gradient, and the µs of its two
 * 2×2 max poolings (forward and gradient), with 1 and 2 threads. Each figure counts the dense
 * 2·M·K·F flops (M = n·oh·ow, K = kh·kw·c, F = f) and is the median of {@code --samples} samples,
 * each of at least {@code --min-seconds} (calls doubled until it is); {@code --best} reports the fastest sample, {@code --cpu} times the
 * 1-thread figures by the thread's CPU time, {@code --only conv2} (or {@code pool}) runs one layer.
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dlm.bench.ConvFigures
 * </pre>
 */
public final class ConvFigures {
    private ConvFigures() {}

    record Layer(String name, int n, int h, int w, int c, int k, int f) {
        int oh() { return h - k + 1; }
        int ow() { return w - k + 1; }
        double flops() { return 2.0 * n * oh() * ow() * k * k * c * f; }
    }

    static final Layer[] LAYERS = {
            new Layer("conv1 28x28x1->26x26x32", 64, 28, 28, 1, 3, 32),
            new Layer("conv2 13x13x32->11x11x64", 64, 13, 13, 32, 3, 64),
            new Layer("conv3 5x5x64->3x3x128", 64, 5, 5, 64, 3, 128),
    };

    public static void main(String[] args) {
        int samples = 7;
        double minSeconds = 0.05;
        String only = null;
        for (int i = 0; i < args.length; i += 2) {
            if (args[i].equals("--cpu") || args[i].equals("--best")) {
                if (args[i].equals("--cpu")) cpuTime = true;
                else best = true;
                i--;
                continue;
            }
            switch (args[i]) {
                case "--samples" -> samples = Integer.parseInt(args[i + 1]);
                case "--min-seconds" -> minSeconds = Double.parseDouble(args[i + 1]);
                case "--only" -> only = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Random r = new Random(1);
        int maxThreads = Math.max(2, KernelPool.size());
        KernelPool.setThreads(maxThreads);
        System.out.printf(Locale.ROOT, "%-26s %-8s %10s %10s%n", "layer", "op", "1 thread", "2 threads");
        for (Layer l : LAYERS) {
            if (only != null && !l.name().startsWith(only)) continue;
            float[] x = random(r, l.n() * l.h() * l.w() * l.c()), k = random(r, l.k() * l.k() * l.c() * l.f());
            float[] bias = random(r, l.f()), y = new float[l.n() * l.oh() * l.ow() * l.f()], dy = random(r, y.length);
            float[] dx = new float[x.length], dk = new float[k.length];
            float[] work = new float[Conv.conv2dBackpropInputWorkspace(l.n(), l.h(), l.w(), l.c(), l.k(), l.k(), l.f(), l.oh(), l.ow())];
            for (int i = 0; i < x.length; i++) x[i] = Math.max(0f, x[i]); // a ReLU'd input: half zeros, at random
            Runnable fwd = () -> Conv.conv2d(x, 0, k, 0, bias, 0, true, y, 0, l.n(), l.h(), l.w(), l.c(), l.k(), l.k(), l.f(), l.oh(), l.ow(), 1, 1, 1, 1, 0, 0);
            Runnable bin = () -> Conv.conv2dBackpropInput(dy, 0, k, 0, dx, 0, work, 0, l.n(), l.h(), l.w(), l.c(), l.k(), l.k(), l.f(), l.oh(), l.ow(), 1, 1, 1, 1, 0, 0);
            Runnable bfl = () -> Conv.conv2dBackpropFilter(x, 0, dy, 0, dk, 0, l.n(), l.h(), l.w(), l.c(), l.k(), l.k(), l.f(), l.oh(), l.ow(), 1, 1, 1, 1, 0, 0);
            String[] names = {"forward", "dx", "dk"};
            Runnable[] ops = {fwd, bin, bfl};
            for (int o = 0; o < 3; o++) {
                double[] g = new double[2];
                for (int t = 1; t <= 2; t++) {
                    KernelPool.setParallelism(t);
                    g[t - 1] = l.flops() / seconds(ops[o], samples, minSeconds) / 1e9;
                }
                System.out.printf(Locale.ROOT, "%-26s %-8s %10.1f %10.1f%s%n", l.name(), names[o], g[0], g[1], allocation(ops[o]));
            }
        }
        if (only == null || only.startsWith("pool")) {
            int[][] pools = {{64, 26, 26, 32}, {64, 11, 11, 64}};
            for (int[] p : pools) {
                int n = p[0], h = p[1], w = p[2], c = p[3], oh = h / 2, ow = w / 2;
                float[] x = random(r, n * h * w * c), y = new float[n * oh * ow * c], dx = new float[x.length];
                Runnable fwd = () -> Pool.maxPool2d(x, 0, y, 0, n, h, w, c, 2, 2, oh, ow, 2, 2, 0, 0);
                Runnable bwd = () -> Pool.maxPool2dBackprop(x, 0, y, 0, dx, 0, n, h, w, c, 2, 2, oh, ow, 2, 2, 0, 0);
                String name = "maxpool " + h + "x" + w + "x" + c;
                Runnable[] ops = {fwd, bwd};
                for (int o = 0; o < 2; o++) {
                    double[] us = new double[2];
                    for (int t = 1; t <= 2; t++) {
                        KernelPool.setParallelism(t);
                        us[t - 1] = seconds(ops[o], samples, minSeconds) * 1e6;
                    }
                    System.out.printf(Locale.ROOT, "%-26s %-8s %8.0fus %8.0fus%n", name, o == 0 ? "forward" : "gradient", us[0], us[1]);
                }
            }
        }
    }

    /** With {@code --cpu}: 1-thread figures timed by the calling thread's CPU time (steadier on a busy machine). */
    static boolean cpuTime;
    static final java.lang.management.ThreadMXBean MX = java.lang.management.ManagementFactory.getThreadMXBean();

    static long now() { return cpuTime && KernelPool.parallelism() == 1 ? MX.getCurrentThreadCpuTime() : System.nanoTime(); }

    /** With {@code --best}: the fastest sample instead of the median (steadier when other work comes and goes). */
    static boolean best;

    /** " (N bytes a call)" when a call allocates on the calling thread (with 1 thread), else "". */
    static String allocation(Runnable op) {
        var mx = (com.sun.management.ThreadMXBean) MX;
        KernelPool.setParallelism(1);
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10; i++) op.run();
        long bytes = (mx.getCurrentThreadAllocatedBytes() - before) / 10;
        return bytes > 0 ? " (" + bytes + " bytes a call)" : "";
    }

    /** Median (or best) seconds per call. */
    static double seconds(Runnable op, int samples, double minSeconds) {
        // warm up: at least 20 calls and 1 s of this thread's time (C2 compiles the kernels meanwhile)
        long start = now();
        for (int i = 0; i < 20 || now() - start < 1_000_000_000L; i++) op.run();
        double[] s = new double[samples];
        int calls = 1;
        for (int i = 0; i < samples; i++) {
            while (true) {
                long t0 = now();
                for (int c = 0; c < calls; c++) op.run();
                double dt = (now() - t0) / 1e9;
                if (dt >= minSeconds) {
                    s[i] = dt / calls;
                    break;
                }
                calls *= 2;
            }
        }
        Arrays.sort(s);
        return best ? s[0] : s[samples / 2];
    }

    static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.nextFloat() * 2 - 1;
        return a;
    }
}
