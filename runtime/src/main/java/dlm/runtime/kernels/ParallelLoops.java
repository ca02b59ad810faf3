package dlm.runtime.kernels;

/**
 * Runs the big element-wise loops of a compiled step across the {@link KernelPool} (the GEMM's
 * workers, started once). A generated step class implements {@link Parts}; it owns one
 * {@link Task}, made in its constructor, so a step allocates nothing per run. Each part runs the
 * loop over a contiguous slice of its outermost dimension; the loops so run are element-wise
 * (no reductions), so the result is the same bit for bit whatever the split. {@link #split} does the
 * same for loops written in Java (the interpreter's matrix products).
 */
public final class ParallelLoops {
    private ParallelLoops() {}

    /** Independent iterations {@code [from, to)} of a loop, see {@link #split}. */
    public interface Range {
        void run(int from, int to);
    }

    /**
     * Runs {@code body} over {@code [0, count)} split into {@link KernelPool#parallelism()} contiguous
     * ranges (fewer when {@code count} is smaller), one per pool thread, the first on the calling
     * thread, and returns when all are done. For loops whose iterations are independent (the
     * interpreter's matrix rows), so the result does not depend on the split.
     */
    public static void split(int count, Range body) {
        int parts = Math.min(KernelPool.parallelism(), count);
        if (parts <= 1) {
            if (count > 0) body.run(0, count);
            return;
        }
        KernelPool.run(parts, (part, n) -> body.run((int) ((long) count * part / n), (int) ((long) count * (part + 1) / n)));
    }

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
