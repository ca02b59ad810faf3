package dlm.runtime.kernels;

/**
 * Runs the big element-wise loops of a compiled step across the {@link KernelPool} (the GEMM's
 * workers, started once). A generated step class implements {@link Parts}; it owns one
 * {@link Task}, made in its constructor, so a step allocates nothing per run. Each part runs the
 * loop over a contiguous slice of its outermost dimension; the loops so run are element-wise
 * (no reductions), so the result is the same bit for bit whatever the split.
 */
public final class ParallelLoops {
    private ParallelLoops() {}

    /** The generated step: runs part {@code part} of {@code parts} of its parallel loop {@code loop}. */
    public interface Parts {
        void runPart(int loop, int part, int parts);
    }

    /** A step's reusable pool job. Used by one thread at a time (the one running the step). */
    public static final class Task implements KernelPool.Job {
        private final Parts target;
        private int loop;

        public Task(Parts target) { this.target = target; }

        /** Runs parallel loop {@code loop} of the target on all the pool's threads, and returns when done. */
        public void fork(int loop) {
            this.loop = loop; // published to the workers by the pool's volatile hand-off
            KernelPool.run(KernelPool.parallelism(), this);
        }

        @Override
        public void run(int part, int parts) { target.runPart(loop, part, parts); }
    }
}
