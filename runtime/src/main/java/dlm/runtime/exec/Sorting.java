package dlm.runtime.exec;

/**
 * {@code argsort} along one axis: a stable merge sort of positions, computed as the reference
 * interpreter defines it — ties keep the lower index first, NaN is larger than every number (last
 * ascending, first descending), {@code -0.0 == 0.0}. No allocation: each row's keys go into a
 * scratch row ({@code double} for f32, f64, i32, u8 and bool, which it holds exactly; {@code long}
 * for i64) and the merge sort works in a scratch {@code int} array of {@code 2n}.
 *
 * <p>Layout: element k of row (o, i) is at {@code off + (o*n + k)*inner + i}.
 */
public final class Sorting {
    private Sorting() {}

    public static void argsort(float[] x, int xOff, int[] y, int yOff, int outer, int n, int inner, boolean descending, double[] keys, int[] work) {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                for (int k = 0; k < n; k++) keys[k] = x[xOff + base + k * inner];
                sortRow(keys, n, descending, work);
                for (int k = 0; k < n; k++) y[yOff + base + k * inner] = work[k];
            }
    }

    public static void argsort(double[] x, int xOff, int[] y, int yOff, int outer, int n, int inner, boolean descending, double[] keys, int[] work) {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                for (int k = 0; k < n; k++) keys[k] = x[xOff + base + k * inner];
                sortRow(keys, n, descending, work);
                for (int k = 0; k < n; k++) y[yOff + base + k * inner] = work[k];
            }
    }

    public static void argsort(int[] x, int xOff, int[] y, int yOff, int outer, int n, int inner, boolean descending, double[] keys, int[] work) {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                for (int k = 0; k < n; k++) keys[k] = x[xOff + base + k * inner];
                sortRow(keys, n, descending, work);
                for (int k = 0; k < n; k++) y[yOff + base + k * inner] = work[k];
            }
    }

    public static void argsort(byte[] x, int xOff, int[] y, int yOff, int outer, int n, int inner, boolean descending, double[] keys, int[] work) {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                for (int k = 0; k < n; k++) keys[k] = (x[xOff + base + k * inner] & 0xFF);
                sortRow(keys, n, descending, work);
                for (int k = 0; k < n; k++) y[yOff + base + k * inner] = work[k];
            }
    }

    public static void argsort(long[] x, int xOff, int[] y, int yOff, int outer, int n, int inner, boolean descending, long[] keys, int[] work) {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                for (int k = 0; k < n; k++) keys[k] = x[xOff + base + k * inner];
                sortRow(keys, n, descending, work);
                for (int k = 0; k < n; k++) y[yOff + base + k * inner] = work[k];
            }
    }

    /** Sorts positions 0..n-1 of {@code keys} into {@code work[0, n)} ({@code work[n, 2n)} is the merge buffer). */
    private static void sortRow(double[] keys, int n, boolean descending, int[] work) {
        for (int k = 0; k < n; k++) work[k] = k;
        // Bottom-up merge sort, runs of width w merged from work[0,n) into work[n,2n) and back.
        int src = 0, dst = n;
        for (int w = 1; w < n; w *= 2) {
            for (int lo = 0; lo < n; lo += 2 * w) {
                int mid = Math.min(lo + w, n), hi = Math.min(lo + 2 * w, n);
                int p = lo, q = mid, t = lo;
                while (p < mid && q < hi) {
                    // The right element goes first only when it strictly precedes: stability.
                    if (precedes(keys[work[src + q]], keys[work[src + p]], descending)) work[dst + t++] = work[src + q++];
                    else work[dst + t++] = work[src + p++];
                }
                while (p < mid) work[dst + t++] = work[src + p++];
                while (q < hi) work[dst + t++] = work[src + q++];
            }
            int s = src;
            src = dst;
            dst = s;
        }
        if (src != 0) System.arraycopy(work, src, work, 0, n);
    }

    private static boolean precedes(double a, double b, boolean descending) {
        return (descending ? (Double.isNaN(a) && !Double.isNaN(b)) || a > b : (!Double.isNaN(a) && Double.isNaN(b)) || a < b);
    }

    /** Sorts positions 0..n-1 of {@code keys} into {@code work[0, n)} ({@code work[n, 2n)} is the merge buffer). */
    private static void sortRow(long[] keys, int n, boolean descending, int[] work) {
        for (int k = 0; k < n; k++) work[k] = k;
        // Bottom-up merge sort, runs of width w merged from work[0,n) into work[n,2n) and back.
        int src = 0, dst = n;
        for (int w = 1; w < n; w *= 2) {
            for (int lo = 0; lo < n; lo += 2 * w) {
                int mid = Math.min(lo + w, n), hi = Math.min(lo + 2 * w, n);
                int p = lo, q = mid, t = lo;
                while (p < mid && q < hi) {
                    // The right element goes first only when it strictly precedes: stability.
                    if (precedes(keys[work[src + q]], keys[work[src + p]], descending)) work[dst + t++] = work[src + q++];
                    else work[dst + t++] = work[src + p++];
                }
                while (p < mid) work[dst + t++] = work[src + p++];
                while (q < hi) work[dst + t++] = work[src + q++];
            }
            int s = src;
            src = dst;
            dst = s;
        }
        if (src != 0) System.arraycopy(work, src, work, 0, n);
    }

    private static boolean precedes(long a, long b, boolean descending) {
        return (descending ? a > b : a < b);
    }
}
