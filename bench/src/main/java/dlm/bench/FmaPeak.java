package dlm.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's fp32 FMA throughput as the JVM reaches it, measured: each thread runs a loop of
 * independent vector FMA chains held in registers (12 chains of {@link FloatVector#SPECIES_PREFERRED}:
 * more than an FMA's latency times the two FMA units of current x86 cores, and few enough for a
 * 16-register file), so nothing but the FMA units and the clock bound it. The GEMM figures
 * are given as a fraction of this, which needs no table of CPU models and follows the clock the
 * machine actually runs at (turbo, a busy neighbour).
 */
final class FmaPeak {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static volatile float sink;

    private FmaPeak() {}

    /** GFLOP/s of {@code threads} threads running the loop at once for about {@code seconds}; the best of 3 tries. */
    static double gflops(int threads, double seconds) throws InterruptedException {
        chains(1 << 20);  // compile the loop before it is timed
        double best = 0;
        for (int attempt = 0; attempt < 3; attempt++) {
            long iterations = Math.max(1, (long) (seconds / 3 * 1e9 / 2));  // ~2 ns an iteration at most
            long[] nanos = new long[threads];
            Thread[] ts = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                int id = t;
                ts[t] = new Thread(() -> {
                    long t0 = System.nanoTime();
                    sink += chains(iterations);
                    nanos[id] = System.nanoTime() - t0;
                });
            }
            for (Thread t : ts) t.start();
            for (Thread t : ts) t.join();
            double total = 0;
            for (long ns : nanos) total += 12.0 * 2 * S.length() * iterations / ns;  // flops per ns = GFLOP/s
            best = Math.max(best, total);
        }
        return best;
    }

    /** 12 independent FMA chains, {@code iterations} steps each. */
    private static float chains(long iterations) {
        FloatVector m = FloatVector.broadcast(S, 0.999999f), x = FloatVector.broadcast(S, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(S, 1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0,
                a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long done = 0; done < iterations; ) {
            int n = (int) Math.min(iterations - done, 1 << 20);
            for (int i = 0; i < n; i++) {
                a0 = a0.fma(m, x); a1 = a1.fma(m, x); a2 = a2.fma(m, x); a3 = a3.fma(m, x);
                a4 = a4.fma(m, x); a5 = a5.fma(m, x); a6 = a6.fma(m, x); a7 = a7.fma(m, x);
                a8 = a8.fma(m, x); a9 = a9.fma(m, x); a10 = a10.fma(m, x); a11 = a11.fma(m, x);
            }
            done += n;
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
