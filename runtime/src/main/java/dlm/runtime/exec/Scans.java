package dlm.runtime.exec;

/**
 * Products and running sums along one block of axes, exactly as the reference interpreter
 * computes them: floats accumulate in a double and are rounded once per output element; integers
 * accumulate in a long and wrap to the output type; u8 and bool ({@code byte[]}) read unsigned and
 * give i32 (NumPy's sum and prod dtypes). No allocation.
 *
 * <p>Layout: element k of row (o, i) is at {@code off + (o*n + k)*inner + i}.
 */
public final class Scans {
    private Scans() {}
    // ---- prod: y[o, i] = Π_k x[o, k, i], in k order (1 over an empty row) ----

    public static void prod(float[] x, int xOff, float[] y, int yOff, int outer, int n, int inner) {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                double p = 1;
                for (int k = 0; k < n; k++) p *= x[xOff + (o * n + k) * inner + i];
                y[yOff + o * inner + i] = (float)p;
            }
    }

    public static void prod(double[] x, int xOff, double[] y, int yOff, int outer, int n, int inner) {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                double p = 1;
                for (int k = 0; k < n; k++) p *= x[xOff + (o * n + k) * inner + i];
                y[yOff + o * inner + i] = p;
            }
    }

    public static void prod(int[] x, int xOff, int[] y, int yOff, int outer, int n, int inner) {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                long p = 1;
                for (int k = 0; k < n; k++) p *= x[xOff + (o * n + k) * inner + i];
                y[yOff + o * inner + i] = (int)p;
            }
    }

    public static void prod(long[] x, int xOff, long[] y, int yOff, int outer, int n, int inner) {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                long p = 1;
                for (int k = 0; k < n; k++) p *= x[xOff + (o * n + k) * inner + i];
                y[yOff + o * inner + i] = p;
            }
    }

    public static void prod(byte[] x, int xOff, int[] y, int yOff, int outer, int n, int inner) {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                long p = 1;
                for (int k = 0; k < n; k++) p *= (x[xOff + (o * n + k) * inner + i] & 0xFF);
                y[yOff + o * inner + i] = (int)p;
            }
    }

    // ---- cumsum: y[o, k, i] = Σ_{j ≤ k} x[o, j, i] (Σ_{j ≥ k} when reverse), in scan order ----

    public static void cumsum(float[] x, int xOff, float[] y, int yOff, int outer, int n, int inner, boolean reverse) {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    int at = (o * n + (reverse ? n - 1 - j : j)) * inner + i;
                    s += x[xOff + at];
                    y[yOff + at] = (float)s;
                }
            }
    }

    public static void cumsum(double[] x, int xOff, double[] y, int yOff, int outer, int n, int inner, boolean reverse) {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    int at = (o * n + (reverse ? n - 1 - j : j)) * inner + i;
                    s += x[xOff + at];
                    y[yOff + at] = s;
                }
            }
    }

    public static void cumsum(int[] x, int xOff, int[] y, int yOff, int outer, int n, int inner, boolean reverse) {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                long s = 0;
                for (int j = 0; j < n; j++) {
                    int at = (o * n + (reverse ? n - 1 - j : j)) * inner + i;
                    s += x[xOff + at];
                    y[yOff + at] = (int)s;
                }
            }
    }

    public static void cumsum(long[] x, int xOff, long[] y, int yOff, int outer, int n, int inner, boolean reverse) {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                long s = 0;
                for (int j = 0; j < n; j++) {
                    int at = (o * n + (reverse ? n - 1 - j : j)) * inner + i;
                    s += x[xOff + at];
                    y[yOff + at] = s;
                }
            }
    }

    public static void cumsum(byte[] x, int xOff, int[] y, int yOff, int outer, int n, int inner, boolean reverse) {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                long s = 0;
                for (int j = 0; j < n; j++) {
                    int at = (o * n + (reverse ? n - 1 - j : j)) * inner + i;
                    s += (x[xOff + at] & 0xFF);
                    y[yOff + at] = (int)s;
                }
            }
    }
}
