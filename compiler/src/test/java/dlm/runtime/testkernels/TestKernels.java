package dlm.runtime.testkernels;

/** Kernels of the test-only kernel ops of {@code dlm.compiler.codegen.KernelOpTest}. */
public final class TestKernels {
    private TestKernels() {}

    /** Reverses each of the rows×n rows of x into y, through a scratch row (so the scratch must hold n). */
    public static void reverseRows(float[] x, int xOff, float[] y, int yOff, int rows, int n, float[] scratch) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(x, xOff + r * n, scratch, 0, n);
            for (int k = 0; k < n; k++) y[yOff + r * n + k] = scratch[n - 1 - k];
        }
    }

    public static void reverseRows(double[] x, int xOff, double[] y, int yOff, int rows, int n, double[] scratch) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(x, xOff + r * n, scratch, 0, n);
            for (int k = 0; k < n; k++) y[yOff + r * n + k] = scratch[n - 1 - k];
        }
    }

    /** The sum of x[off, off+n) in double, returned (the caller rounds it to the output's dtype). */
    public static double total(float[] x, int off, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += x[off + i];
        return s;
    }

    /** Not static: a kernel op naming it is a compiler bug. */
    public void notStatic(float[] x, int off, float[] y, int yOff) {}
}
