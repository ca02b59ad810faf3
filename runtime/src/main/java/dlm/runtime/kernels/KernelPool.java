package dlm.runtime.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The kernels' fixed thread pool, started once: {@code size() - 1} daemon worker threads plus the
 * calling thread, which always runs part 0 of a job itself. Its size is the number of available
 * processors, or the system property {@code dlm.threads} when set (read once, at class
 * initialisation); {@link #setParallelism} lowers the number of threads a job may use at run time
 * (benchmarks compare 1 and 2 threads that way), and {@link #setThreads} sets it to any number up to
 * {@link #MAX_THREADS}, starting more workers when the pool has fewer ({@code dlmc --threads N} and
 * {@code DLM_THREADS}: like {@code torch.set_num_threads}, a count above the processors is honoured).
 * Every parallel job splits its work so that the result does not depend on the thread count.
 *
 * <p>Waiting threads (idle workers, a caller waiting for its workers) spin for a few microseconds,
 * then keep checking while yielding the processor for up to 100 µs, then park: back-to-back kernel
 * calls (a training step) do not pay a wake-up each time, and on a busy machine a waiting thread
 * does not hold a processor that the thread it waits for needs. Only one job runs at a time: a caller that finds
 * the pool busy (another thread is in a kernel, or the caller is itself running a part of a job) runs its
 * whole job itself.
 */
public final class KernelPool {
    /**
     * A parallel job: {@code run(part, parts)} is called once for each part in {@code [0, parts)},
     * concurrently (parts may wait for each other); or just {@code run(0, 1)}, which must do it all.
     */
    interface Job {
        void run(int part, int parts);
    }

    /** The most threads {@link #setThreads} accepts (and {@code dlm.threads} is clamped to). */
    public static final int MAX_THREADS = 256;

    private static final int INITIAL_SIZE = configuredSize();
    /** Busy-wait this long (with {@link Thread#onSpinWait}) before yielding the processor. */
    private static final long SPIN_NANOS = 5_000;
    /** Keep checking (yielding between checks) this long before parking. */
    private static final long YIELD_NANOS = 100_000;

    private static volatile int parallelism = INITIAL_SIZE;

    private static final ReentrantLock LOCK = new ReentrantLock();
    /** Worker {@code w} runs part {@code w + 1}; replaced by a longer array (under LOCK) when the pool grows. */
    private static volatile Worker[] workers = new Worker[0];
    private static final AtomicInteger PENDING = new AtomicInteger();
    private static volatile Thread caller;
    private static volatile Throwable failure;
    /** Set when a part of the running job failed, so that parts waiting for each other stop waiting. */
    private static volatile boolean aborted;

    static {
        grow(INITIAL_SIZE);
    }

    private KernelPool() {}

    private static int configuredSize() {
        int n = Runtime.getRuntime().availableProcessors();
        String p = System.getProperty("dlm.threads");
        if (p != null && !p.isBlank()) {
            try {
                n = Integer.parseInt(p.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("dlm.threads must be a positive integer, not '" + p + "'");
            }
        }
        return Math.max(1, Math.min(n, MAX_THREADS));
    }

    /** Starts workers until the pool has {@code threads} threads, the caller included. Called with LOCK held, or at class initialisation. */
    private static void grow(int threads) {
        Worker[] old = workers;
        if (threads - 1 <= old.length) return;
        Worker[] w = java.util.Arrays.copyOf(old, threads - 1);
        for (int i = old.length; i < w.length; i++) {
            w[i] = new Worker(i + 1);
            w[i].setDaemon(true);
            w[i].start();
        }
        workers = w;
    }

    /** Number of threads in the pool, the caller included. */
    public static int size() { return workers.length + 1; }

    /** Number of threads a job may use now (1..size()). */
    public static int parallelism() { return parallelism; }

    /** Limits the threads a job may use (clamped to 1..size()); returns the previous setting. */
    public static int setParallelism(int threads) {
        int old = parallelism;
        parallelism = Math.max(1, Math.min(threads, size()));
        return old;
    }

    /**
     * Makes jobs use exactly {@code threads} threads (the caller included), starting workers first
     * when the pool has fewer: unlike {@link #setParallelism}, a count above the pool's size (even
     * above the number of processors) is honoured. Waits for a running job to finish before growing
     * the pool. Returns the previous {@link #parallelism()}.
     *
     * @throws IllegalArgumentException unless 1 ≤ threads ≤ {@link #MAX_THREADS}
     */
    public static int setThreads(int threads) {
        if (threads < 1 || threads > MAX_THREADS)
            throw new IllegalArgumentException("threads must be 1.." + MAX_THREADS + ", not " + threads);
        LOCK.lock();
        try {
            grow(threads);
            int old = parallelism;
            parallelism = threads;
            return old;
        } finally {
            LOCK.unlock();
        }
    }

    /**
     * Runs {@code job} as {@code parts} parts (1 ≤ parts ≤ parallelism()), part 0 on the calling
     * thread, and returns when all are done. Runs {@code job.run(0, 1)} here instead when the pool is
     * busy or {@code parts == 1}.
     */
    static void run(int parts, Job job) {
        // A part of a running job that calls a kernel (the convolution's per-image parts call the
        // GEMM) runs it itself: the lock is reentrant, and the workers are busy with the outer job.
        if (parts <= 1 || LOCK.isHeldByCurrentThread() || !LOCK.tryLock()) {
            job.run(0, 1);
            return;
        }
        try {
            failure = null;
            aborted = false;
            caller = Thread.currentThread();
            PENDING.set(parts - 1);
            Worker[] w = workers;
            for (int p = 1; p < parts; p++) w[p - 1].submit(job, parts);
            Throwable mine = null;
            try {
                job.run(0, parts);
            } catch (Throwable t) {
                mine = t;
                aborted = true;
            }
            long start = System.nanoTime();
            while (PENDING.get() != 0) {
                long waited = System.nanoTime() - start;
                if (waited < SPIN_NANOS) Thread.onSpinWait();
                else if (waited < YIELD_NANOS) Thread.yield();
                else LockSupport.parkNanos(20_000);
            }
            // the first cause, not a part that only stopped waiting because another one failed
            Throwable t = mine != null && !(mine instanceof PartFailed) ? mine : failure != null ? failure : mine;
            if (t instanceof RuntimeException re) throw re;
            if (t instanceof Error er) throw er;
            if (t != null) throw new RuntimeException(t);
        } finally {
            caller = null;
            LOCK.unlock();
        }
    }

    /**
     * For parts of a job that wait for each other: throws {@link PartFailed} when another part of the
     * running job has failed (it will never do what this part waits for).
     */
    static void checkNotAborted() {
        if (aborted) throw new PartFailed();
    }

    /** Thrown by a part that stops waiting because another part of the same job failed. */
    static final class PartFailed extends RuntimeException {
        PartFailed() {
            super("another part of this parallel job failed", null, false, false);
        }
    }

    private static final class Worker extends Thread {
        private final int part;
        private volatile Job job;
        private volatile int parts;
        private volatile boolean parked;

        Worker(int part) {
            super("dlm-kernel-" + part);
            this.part = part;
        }

        void submit(Job j, int n) {
            parts = n;
            job = j;
            if (parked) LockSupport.unpark(this);
        }

        @Override
        public void run() {
            while (true) {
                Job j = await();
                try {
                    j.run(part, parts);
                } catch (Throwable t) {
                    if (!(t instanceof PartFailed) || failure == null) failure = t;
                    aborted = true;
                } finally {
                    job = null;
                    if (PENDING.decrementAndGet() == 0) {
                        Thread c = caller;
                        if (c != null) LockSupport.unpark(c);
                    }
                }
            }
        }

        private Job await() {
            long start = System.nanoTime();
            while (true) {
                Job j = job;
                if (j != null) return j;
                long waited = System.nanoTime() - start;
                if (waited < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else if (waited < YIELD_NANOS) {
                    Thread.yield();
                } else {
                    parked = true;
                    if (job == null) LockSupport.park(this);
                    parked = false;
                }
            }
        }
    }
}
