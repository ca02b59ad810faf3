package dlm.runtime.exec;

import dlm.runtime.kernels.Masks;

/**
 * Warms the kernels that compiled steps call — the matrix products of {@link Blas}, softmax,
 * the relu mask — on small synthetic operands, on a background thread, while the caller does
 * other work (parsing, checking, differentiating and compiling a model, loading its data).
 *
 * <p>Why: until C2 has compiled them, Vector API kernels run as interpreted or C1-compiled code,
 * which calls the API's Java fallbacks, one small array per vector operation, 50–100 times
 * slower than the compiled kernel. HotSpot compiles a method with C2 once it has run often
 * enough — so many calls and loop iterations, whatever the operands' size — and a first epoch
 * that starts cold runs its first dozens of steps at that speed. Small operands reach those
 * counts at a fraction of the cost of a model's, and doing it while the start-up runs takes a
 * good part of that out of the first epoch. It is not free: on two processors the start-up's
 * own JIT compilations already keep the second one busy, so the warm-up delays the start-up
 * too (see the README's start-up section for the figures) — but by less than it saves.
 *
 * <p>The operands follow the products of a dense network's train step (u8 and float inputs,
 * fused bias and relu, a narrow output layer, the transposed products of the backward pass),
 * at sizes that take the same code paths (more than 16 rows, so that op(B) is packed; a
 * 10-column output, so that the narrow kernels run) but cost microseconds once compiled.
 *
 * <p>It changes no result: it writes only its own arrays, and the kernels compute every element
 * with the same arithmetic whichever tier runs them (see {@code dlm.runtime.kernels.Gemm}: no
 * reductions across vector lanes), so a run computes the same bits with or without it.
 */
public final class KernelWarmup {
    /** Rows of the synthetic batch (more than Gemm's in-place limit of 16). */
    static final int M = 32;
    /** Input features (k of the first product). */
    static final int K = 48;
    /** Hidden units (≥ Gemm's narrow limit: the packed kernels). */
    static final int N = 64;
    /** Classes (a narrow result: the narrow kernels). */
    static final int C = 10;
    /** Rounds at most: far more than the JIT needs, so that the thread ends on its own. */
    static final int MAX_ROUNDS = 20_000;

    private final Thread thread;
    private volatile boolean stop;
    private volatile int rounds;
    private volatile Throwable failure;

    private KernelWarmup() {
        thread = new Thread(this::run, "dlm-kernel-warmup");
        thread.setDaemon(true);
    }

    /** Starts warming on a new daemon thread. */
    public static KernelWarmup start() {
        KernelWarmup w = new KernelWarmup();
        w.thread.start();
        return w;
    }

    /** Stops the warm-up (within one round, about a millisecond once compiled) and waits for it; returns the rounds done. */
    public int stop() {
        stop = true;
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        return rounds;
    }

    /** Rounds done so far. */
    public int rounds() { return rounds; }

    /** What ended the warm-up early, if a kernel failed (never expected; the warm-up just stops). */
    public Throwable failure() { return failure; }

    private void run() {
        try {
            Operands o = new Operands();
            for (int r = 0; r < MAX_ROUNDS && !stop; r++) {
                o.round();
                rounds = r + 1;
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    /** One train step's worth of products on fixed synthetic operands. */
    static final class Operands {
        final byte[] x = new byte[M * K];
        final float[] table = new float[256];
        final float[] w1 = fill(K * N, 0.01f), b1 = fill(N, 0.02f), h1 = new float[M * N];
        final float[] w2 = fill(N * N, 0.01f), b2 = fill(N, 0.01f), h2 = new float[M * N];
        final float[] w3 = fill(N * C, 0.03f), b3 = fill(C, 0.01f), z = new float[M * C], p = new float[M * C];
        final float[] dz = fill(M * C, 0.05f), dh2 = new float[M * N], dh1 = new float[M * N];
        final float[] dw3 = new float[N * C], dw2 = new float[N * N], dw1 = new float[K * N];

        Operands() {
            // pixels as in MNIST: mostly zero (so the zero-step skipping runs), the rest spread over 0..255
            for (int i = 0; i < x.length; i++) x[i] = (byte) (i % 5 < 3 ? 0 : (i * 37) & 0xFF);
            for (int i = 0; i < 256; i++) table[i] = i / 255f;
        }

        void round() {
            // forward: u8 input through a table with bias and relu, a float hidden layer, a narrow output
            Blas.sgemmTable(false, false, M, N, K, x, 0, K, table, w1, 0, N, h1, 0, N, b1, 0, 3);
            Blas.sgemm(false, false, M, N, N, h1, 0, N, w2, 0, N, h2, 0, N, b2, 0, 3);
            Blas.sgemm(false, false, M, C, N, h2, 0, N, w3, 0, C, z, 0, C, b3, 0, 1);
            Nn.softmax(z, 0, p, 0, M, C, 1, false);
            Nn.softmax(z, 0, p, 0, M, C, 1, true);
            // backward: gradients of the weights (transposed A) and of the hidden activations (transposed B)
            Blas.sgemm(true, false, N, C, M, h2, 0, N, dz, 0, C, dw3, 0, C, false);
            Blas.sgemm(false, true, M, N, C, dz, 0, C, w3, 0, C, dh2, 0, N, false);
            Masks.keepWherePositive(dh2, 0, N, M, N, h2, 0, N);
            Blas.sgemm(true, false, N, N, M, h1, 0, N, dh2, 0, N, dw2, 0, N, false);
            Blas.sgemm(false, true, M, N, N, dh2, 0, N, w2, 0, N, dh1, 0, N, false);
            Masks.keepWherePositive(dh1, 0, N, M, N, h1, 0, N);
            Blas.sgemmTable(true, false, K, N, M, x, 0, K, table, dh1, 0, N, dw1, 0, N, null, 0, 0);
        }

        private static float[] fill(int n, float scale) {
            float[] a = new float[n];
            for (int i = 0; i < n; i++) a[i] = scale * (((i * 13) % 17) - 8);
            return a;
        }
    }
}
