package dlm.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link KernelPool#setThreads} (what dlmc --threads sets) and {@link ParallelLoops#split}. */
class KernelPoolTest {
    /** The threads that ran {@code split(count, …)}, and checks that the ranges cover [0, count) once. */
    private static Set<Thread> threadsOfSplit(int count) {
        List<int[]> ranges = Collections.synchronizedList(new ArrayList<>());
        Set<Thread> threads = Collections.synchronizedSet(new HashSet<>());
        ParallelLoops.split(count, (from, to) -> {
            ranges.add(new int[] {from, to});
            threads.add(Thread.currentThread());
        });
        ranges.sort((a, b) -> Integer.compare(a[0], b[0]));
        int next = 0;
        for (int[] r : ranges) {
            assertEquals(next, r[0], "ranges are contiguous");
            assertTrue(r[1] > r[0], "no empty range");
            next = r[1];
        }
        assertEquals(count, next, "ranges cover the loop");
        return threads;
    }

    @Test
    void setThreadsRestrictsAndGrowsThePool() {
        int before = KernelPool.parallelism();
        int more = KernelPool.size() + 1;
        try {
            assertEquals(before, KernelPool.setThreads(1));
            assertEquals(1, KernelPool.parallelism());
            assertEquals(Set.of(Thread.currentThread()), threadsOfSplit(1000), "one thread: all on the caller");

            // above the pool's size (and the processors): started, not clamped
            assertEquals(1, KernelPool.setThreads(more));
            assertEquals(more, KernelPool.parallelism());
            assertEquals(more, KernelPool.size());
            Set<Thread> used = threadsOfSplit(1000);
            assertEquals(more, used.size(), "one range per thread: " + used);
            assertTrue(used.contains(Thread.currentThread()));

            // fewer iterations than threads: one each
            assertEquals(Math.min(3, more), threadsOfSplit(3).size());
            assertEquals(1, threadsOfSplit(1).size());
            threadsOfSplit(0);

            // setParallelism still clamps to the pool's size
            KernelPool.setParallelism(more + 5);
            assertEquals(more, KernelPool.parallelism());
        } finally {
            KernelPool.setParallelism(before);
        }
    }

    @Test
    void setThreadsRejectsCountsOutsideOneTo256() {
        int before = KernelPool.parallelism();
        for (int bad : new int[] {0, -1, KernelPool.MAX_THREADS + 1})
            assertThrows(IllegalArgumentException.class, () -> KernelPool.setThreads(bad));
        assertEquals(before, KernelPool.parallelism());
    }

    /**
     * A part that fails while another waits for it (as the GEMM's shared and phased modes wait for
     * each other's packing) ends the job with the first cause, instead of leaving the waiting part
     * spinning forever; whichever part fails, the caller's or a worker's.
     */
    @Test
    void aFailedPartStopsThePartsWaitingForItAndItsCauseIsThrown() {
        int old = KernelPool.setThreads(2);
        try {
            for (int failing = 0; failing < 2; failing++) {
                int bad = failing;
                java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> KernelPool.run(2, (part, parts) -> {
                    if (parts == 1) throw new AssertionError("the pool should run this job in 2 parts");
                    if (part == bad) throw new IllegalStateException("part " + part + " broke");
                    for (int spins = 0; done.get() < 1; spins++) {  // waits for the other part, which never finishes
                        Thread.onSpinWait();
                        if ((spins & 1023) == 1023) KernelPool.checkNotAborted();
                    }
                }));
                assertEquals("part " + bad + " broke", e.getMessage());
            }
        } finally {
            KernelPool.setThreads(old);
        }
    }
}
