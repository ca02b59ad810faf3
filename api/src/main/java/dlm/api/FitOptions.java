package dlm.api;

import dlm.runtime.kernels.KernelPool;
import java.nio.file.Path;

/**
 * What {@link DlmModel#fit} overrides of the train block, as {@code dlmc train}'s options do:
 * unset values (the defaults) keep the block's setting. Immutable; each {@code withX} returns a copy.
 *
 * <pre>{@code
 * FitOptions o = FitOptions.defaults().epochs(3).batchSize(64).seed(7).threads(2)
 *         .checkpoint(Path.of("mnist.npz")).listener(myListener);
 * }</pre>
 *
 * @param epochs     {@code --epochs}: ≥ 1, or 0 for the block's {@code epochs} (else 1)
 * @param batchSize  {@code --batch-size}: ≥ 1, or 0 for the block's {@code batchSize} (else 32)
 * @param seed       {@code --seed}: initial weights, batch order and run-time randomness; null for the block's {@code seed} (else 0)
 * @param threads    {@code --threads}: 1 to {@value KernelPool#MAX_THREADS} threads for the kernels during this fit, or 0 to keep the current count
 * @param limit      {@code --limit}: train on the first N rows only, or 0 for all
 * @param dataDir    {@code --data}: the folder of MNIST-like datasets a block's {@code validationData = mnist(…)} reads, or null for the default search
 * @param checkpoint {@code --save}: a checkpoint written atomically after every epoch (params, states and optimizer state), or null
 * @param listener   told about every epoch (and step, and the callbacks' notes); never null
 */
public record FitOptions(int epochs, int batchSize, Long seed, int threads, long limit, Path dataDir, Path checkpoint, FitListener listener) {
    public FitOptions {
        if (epochs < 0) throw new IllegalArgumentException("epochs must be ≥ 1 (or 0 for the train block's), not " + epochs);
        if (batchSize < 0) throw new IllegalArgumentException("batchSize must be ≥ 1 (or 0 for the train block's), not " + batchSize);
        if (threads < 0 || threads > KernelPool.MAX_THREADS)
            throw new IllegalArgumentException("threads must be 1 to " + KernelPool.MAX_THREADS + " (or 0 to keep the current count), not " + threads);
        if (limit < 0 || limit > Integer.MAX_VALUE) throw new IllegalArgumentException("limit must be ≥ 1 (or 0 for all rows), not " + limit);
        if (listener == null) listener = FitListener.NONE;
        if (checkpoint != null && !checkpoint.toString().endsWith(".npz"))
            throw new IllegalArgumentException("a checkpoint is a NumPy .npz file: " + checkpoint);
    }

    /** Everything as the train block says, no listener. */
    public static FitOptions defaults() { return new FitOptions(0, 0, null, 0, 0, null, null, FitListener.NONE); }

    public FitOptions epochs(int n) { return new FitOptions(positive("epochs", n), batchSize, seed, threads, limit, dataDir, checkpoint, listener); }

    public FitOptions batchSize(int n) { return new FitOptions(epochs, positive("batchSize", n), seed, threads, limit, dataDir, checkpoint, listener); }

    public FitOptions seed(long s) { return new FitOptions(epochs, batchSize, s, threads, limit, dataDir, checkpoint, listener); }

    public FitOptions threads(int n) { return new FitOptions(epochs, batchSize, seed, positive("threads", n), limit, dataDir, checkpoint, listener); }

    public FitOptions limit(long n) { return new FitOptions(epochs, batchSize, seed, threads, positive("limit", n), dataDir, checkpoint, listener); }

    public FitOptions dataDir(Path dir) { return new FitOptions(epochs, batchSize, seed, threads, limit, dir, checkpoint, listener); }

    public FitOptions checkpoint(Path npz) { return new FitOptions(epochs, batchSize, seed, threads, limit, dataDir, npz, listener); }

    public FitOptions listener(FitListener l) { return new FitOptions(epochs, batchSize, seed, threads, limit, dataDir, checkpoint, l); }

    private static <T extends Number> T positive(String what, T n) {
        if (n.longValue() < 1) throw new IllegalArgumentException(what + " must be ≥ 1, not " + n);
        return n;
    }
}
