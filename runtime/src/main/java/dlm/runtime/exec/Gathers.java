package dlm.runtime.exec;

/**
 * Gathering by indices along one axis and its transpose, as the reference interpreter defines
 * them ({@code takeAlongAxis}, {@code scatterAdd}). The data is {@code [outer, n, inner]}; the i32
 * indices {@code [outer or 1, m, inner or 1]} ({@code fullPre}, {@code fullPost} say which); an
 * index may be negative (counting from the end); one outside {@code -n..n-1} throws an
 * {@link IllegalArgumentException} naming it, which the compiled step reports at the op's line.
 * No allocation.
 */
public final class Gathers {
    private Gathers() {}

    private static int resolve(int index, int n, int axis) {
        if (index < -n || index >= n)
            throw new IllegalArgumentException("index " + index + " is out of range for axis " + axis + " of size " + n);
        return index < 0 ? index + n : index;
    }

    /** y[o, j, i] = x[o, idx[o, j, i], i]. */
    public static void takeAlongAxis(float[] x, int xOff, int[] idx, int iOff, float[] y, int yOff,
                                     int outer, int n, int m, int inner, boolean fullPre, boolean fullPost, int axis) {
        int iInner = fullPost ? inner : 1;
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < m; j++) {
                int row = iOff + ((fullPre ? o : 0) * m + j) * iInner;
                for (int i = 0; i < inner; i++) {
                    int k = resolve(idx[row + (fullPost ? i : 0)], n, axis);
                    y[yOff + (o * m + j) * inner + i] = x[xOff + (o * n + k) * inner + i];
                }
            }
    }

    /** y[o, j, i] = x[o, idx[o, j, i], i]. */
    public static void takeAlongAxis(double[] x, int xOff, int[] idx, int iOff, double[] y, int yOff,
                                     int outer, int n, int m, int inner, boolean fullPre, boolean fullPost, int axis) {
        int iInner = fullPost ? inner : 1;
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < m; j++) {
                int row = iOff + ((fullPre ? o : 0) * m + j) * iInner;
                for (int i = 0; i < inner; i++) {
                    int k = resolve(idx[row + (fullPost ? i : 0)], n, axis);
                    y[yOff + (o * m + j) * inner + i] = x[xOff + (o * n + k) * inner + i];
                }
            }
    }

    /** y[o, j, i] = x[o, idx[o, j, i], i]. */
    public static void takeAlongAxis(int[] x, int xOff, int[] idx, int iOff, int[] y, int yOff,
                                     int outer, int n, int m, int inner, boolean fullPre, boolean fullPost, int axis) {
        int iInner = fullPost ? inner : 1;
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < m; j++) {
                int row = iOff + ((fullPre ? o : 0) * m + j) * iInner;
                for (int i = 0; i < inner; i++) {
                    int k = resolve(idx[row + (fullPost ? i : 0)], n, axis);
                    y[yOff + (o * m + j) * inner + i] = x[xOff + (o * n + k) * inner + i];
                }
            }
    }

    /** y[o, j, i] = x[o, idx[o, j, i], i]. */
    public static void takeAlongAxis(long[] x, int xOff, int[] idx, int iOff, long[] y, int yOff,
                                     int outer, int n, int m, int inner, boolean fullPre, boolean fullPost, int axis) {
        int iInner = fullPost ? inner : 1;
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < m; j++) {
                int row = iOff + ((fullPre ? o : 0) * m + j) * iInner;
                for (int i = 0; i < inner; i++) {
                    int k = resolve(idx[row + (fullPost ? i : 0)], n, axis);
                    y[yOff + (o * m + j) * inner + i] = x[xOff + (o * n + k) * inner + i];
                }
            }
    }

    /** y[o, j, i] = x[o, idx[o, j, i], i]. */
    public static void takeAlongAxis(byte[] x, int xOff, int[] idx, int iOff, byte[] y, int yOff,
                                     int outer, int n, int m, int inner, boolean fullPre, boolean fullPost, int axis) {
        int iInner = fullPost ? inner : 1;
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < m; j++) {
                int row = iOff + ((fullPre ? o : 0) * m + j) * iInner;
                for (int i = 0; i < inner; i++) {
                    int k = resolve(idx[row + (fullPost ? i : 0)], n, axis);
                    y[yOff + (o * m + j) * inner + i] = x[xOff + (o * n + k) * inner + i];
                }
            }
    }

    /** y[o, j, i] = x[o, idx[o, j, i], i]. */
    public static void takeAlongAxis(short[] x, int xOff, int[] idx, int iOff, short[] y, int yOff,
                                     int outer, int n, int m, int inner, boolean fullPre, boolean fullPost, int axis) {
        int iInner = fullPost ? inner : 1;
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < m; j++) {
                int row = iOff + ((fullPre ? o : 0) * m + j) * iInner;
                for (int i = 0; i < inner; i++) {
                    int k = resolve(idx[row + (fullPost ? i : 0)], n, axis);
                    y[yOff + (o * m + j) * inner + i] = x[xOff + (o * n + k) * inner + i];
                }
            }
    }

    /** y = 0, then y[o, idx[o, j, i], i] += u[o, j, i] in row-major order of u, summed in {@code acc} (double) and rounded once. */
    public static void scatterAdd(float[] u, int uOff, int[] idx, int iOff, float[] y, int yOff, double[] acc,
                                  int outer, int n, int m, int inner, boolean fullPre, boolean fullPost, int axis) {
        int size = outer * n * inner, iInner = fullPost ? inner : 1;
        java.util.Arrays.fill(acc, 0, size, 0.0);
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < m; j++) {
                int row = iOff + ((fullPre ? o : 0) * m + j) * iInner;
                for (int i = 0; i < inner; i++) {
                    int k = resolve(idx[row + (fullPost ? i : 0)], n, axis);
                    acc[(o * n + k) * inner + i] += u[uOff + (o * m + j) * inner + i];
                }
            }
        for (int e = 0; e < size; e++) y[yOff + e] = (float) acc[e];
    }

    /** y = 0, then y[o, idx[o, j, i], i] += u[o, j, i] in row-major order of u, summed in {@code acc} (double) and rounded once. */
    public static void scatterAdd(double[] u, int uOff, int[] idx, int iOff, double[] y, int yOff, double[] acc,
                                  int outer, int n, int m, int inner, boolean fullPre, boolean fullPost, int axis) {
        int size = outer * n * inner, iInner = fullPost ? inner : 1;
        java.util.Arrays.fill(acc, 0, size, 0.0);
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < m; j++) {
                int row = iOff + ((fullPre ? o : 0) * m + j) * iInner;
                for (int i = 0; i < inner; i++) {
                    int k = resolve(idx[row + (fullPost ? i : 0)], n, axis);
                    acc[(o * n + k) * inner + i] += u[uOff + (o * m + j) * inner + i];
                }
            }
        for (int e = 0; e < size; e++) y[yOff + e] = acc[e];
    }
}
