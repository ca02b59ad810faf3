package dlm.runtime.kernels;

/**
 * The kernels' settings that tests change to reach a code path (thread count, parallel thresholds,
 * zero-step skipping), saved when made and restored on close:
 * {@code try (var saved = KernelSettings.save()) { Gemm.parallelMinFlops = 0; … }}.
 */
final class KernelSettings implements AutoCloseable {
    private final int parallelism = KernelPool.parallelism(), phasedMinRowTiles = Gemm.phasedMinRowTiles;
    private final long parallelMinFlops = Gemm.parallelMinFlops, sharedMaxFloats = Gemm.sharedMaxFloats;
    private final boolean skipZeroSteps = Gemm.skipZeroSteps;

    private KernelSettings() {}

    static KernelSettings save() { return new KernelSettings(); }

    @Override
    public void close() {
        KernelPool.setParallelism(parallelism);
        Gemm.phasedMinRowTiles = phasedMinRowTiles;
        Gemm.parallelMinFlops = parallelMinFlops;
        Gemm.sharedMaxFloats = sharedMaxFloats;
        Gemm.skipZeroSteps = skipZeroSteps;
    }
}
