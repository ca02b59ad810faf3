package dlm.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The one-axis kernels of issue 11 — Scans (prod, cumsum), Sorting (argsort), Gathers
 * (takeAlongAxis, scatterAdd) — on hand cases, argsort against a stable library sort at many
 * lengths, the error of an index out of range, and no allocation per call.
 */
class ArrayKernelsTest {

    @Test
    void scansOnARowAndAColumnLayout() {
        float[] x = {1, 2, 3, 4, 5, 6}; // [2, 3]
        float[] y = new float[6];
        Scans.cumsum(x, 0, y, 0, 2, 3, 1, false);
        assertArrayEquals(new float[] {1, 3, 6, 4, 9, 15}, y);
        Scans.cumsum(x, 0, y, 0, 1, 2, 3, true); // along axis 0, from the end
        assertArrayEquals(new float[] {5, 7, 9, 4, 5, 6}, y);
        float[] p = new float[3];
        Scans.prod(x, 0, p, 0, 1, 2, 3);
        assertArrayEquals(new float[] {4, 10, 18}, p);
        int[] q = new int[1];
        Scans.prod(new byte[] {(byte) 200, 2}, 0, q, 0, 1, 2, 1); // u8 reads unsigned
        assertEquals(400, q[0]);
    }

    @Test
    void argsortMatchesAStableSortAtManyLengths() {
        Random r = new Random(3);
        for (int n = 0; n <= 70; n++) {
            double[] x = new double[n];
            for (int i = 0; i < n; i++) x[i] = r.nextInt(5) == 0 ? Double.NaN : r.nextInt(7) - 3;
            for (boolean desc : new boolean[] {false, true}) {
                int[] got = new int[n];
                Sorting.argsort(x, 0, got, 0, 1, n, 1, desc, new double[n], new int[2 * n]);
                Integer[] want = new Integer[n];
                for (int i = 0; i < n; i++) want[i] = i;
                Comparator<Integer> asc = (a, b) -> Boolean.compare(Double.isNaN(x[a]), Double.isNaN(x[b])) != 0
                        ? Boolean.compare(Double.isNaN(x[a]), Double.isNaN(x[b])) : Double.compare(x[a] + 0.0, x[b] + 0.0);
                Arrays.sort(want, desc ? asc.reversed() : asc); // Arrays.sort on objects is stable
                assertArrayEquals(Arrays.stream(want).mapToInt(Integer::intValue).toArray(), got, "n = " + n + (desc ? " descending" : ""));
            }
        }
        long[] big = {(1L << 60) + 1, 1L << 60, Long.MIN_VALUE};
        int[] order = new int[3];
        Sorting.argsort(big, 0, order, 0, 1, 3, 1, false, new long[3], new int[6]);
        assertArrayEquals(new int[] {2, 1, 0}, order);
    }

    @Test
    void gatherAndScatterWithSharedIndices() {
        double[] x = {10, 11, 12, 20, 21, 22}; // [2, 3]
        double[] y = new double[4];
        Gathers.takeAlongAxis(x, 0, new int[] {-1, 0}, 0, y, 0, 2, 3, 2, 1, false, false, 1);
        assertArrayEquals(new double[] {12, 10, 22, 20}, y);
        double[] back = new double[6];
        Gathers.scatterAdd(new double[] {1, 2, 3, 4}, 0, new int[] {1, 1}, 0, back, 0, new double[6], 2, 3, 2, 1, false, false, 1);
        assertArrayEquals(new double[] {0, 3, 0, 0, 7, 0}, back);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gathers.takeAlongAxis(x, 0, new int[] {3}, 0, new double[2], 0, 2, 3, 1, 1, false, false, 1));
        assertEquals("index 3 is out of range for axis 1 of size 3", e.getMessage());
    }

    @Test
    void kernelsDoNotAllocate() {
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        int n = 256;
        float[] x = new float[8 * n], y = new float[8 * n];
        int[] idx = new int[8 * n], order = new int[8 * n], work = new int[2 * n];
        double[] keys = new double[n], acc = new double[8 * n];
        Random r = new Random(1);
        for (int i = 0; i < x.length; i++) { x[i] = r.nextFloat(); idx[i] = r.nextInt(n); }
        long least = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 100 && least > 0; attempt++) {
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 20; i++) {
                Scans.cumsum(x, 0, y, 0, 8, n, 1, i % 2 == 0);
                Scans.prod(x, 0, y, 0, 8, n, 1);
                Sorting.argsort(x, 0, order, 0, 8, n, 1, i % 2 == 0, keys, work);
                Gathers.takeAlongAxis(x, 0, idx, 0, y, 0, 8, n, n, 1, true, false, 1);
                Gathers.scatterAdd(x, 0, idx, 0, y, 0, acc, 8, n, n, 1, true, false, 1);
            }
            least = Math.min(least, mx.getCurrentThreadAllocatedBytes() - before);
        }
        assertEquals(0, least, "bytes allocated by 20 rounds of the kernels");
    }
}
