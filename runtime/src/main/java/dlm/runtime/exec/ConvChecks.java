package dlm.runtime.exec;

/**
 * Argument checks shared by {@link Conv} and {@link Pool}: dimensions, strides, dilations, and that
 * each tensor fits its array from its offset. A failure is a programming error of the caller (the
 * compiler checked the shapes), reported as an exception that names the tensor.
 */
final class ConvChecks {
    private ConvChecks() {}

    static void geometry(int n, int h, int w, int c, int kh, int kw, int f, int oh, int ow, int sh, int sw, int dh, int dw) {
        if (n < 0 || h < 0 || w < 0 || c < 0 || kh < 1 || kw < 1 || f < 0 || oh < 0 || ow < 0)
            throw new IllegalArgumentException("bad dimensions: n=" + n + " h=" + h + " w=" + w + " c=" + c + " window "
                    + kh + "x" + kw + " f=" + f + " out " + oh + "x" + ow);
        if (sh < 1 || sw < 1 || dh < 1 || dw < 1)
            throw new IllegalArgumentException("strides and dilations must be positive: strides " + sh + "x" + sw
                    + ", dilation " + dh + "x" + dw);
    }

    /** Checks {@code a[off .. off + n0·n1·n2·n3)} lies in an array of length {@code length}; returns the element count. */
    static long tensor(String name, Object array, int length, int off, int n0, int n1, int n2, int n3) {
        long size = (long) n0 * n1 * n2 * n3;
        if (size > Integer.MAX_VALUE) throw new IllegalArgumentException(name + " has " + size + " elements, more than an array holds");
        if (size == 0) return 0;
        if (array == null) throw new NullPointerException(name);
        if (off < 0 || off + size > length)
            throw new IndexOutOfBoundsException(name + " (" + n0 + "x" + n1 + "x" + n2 + "x" + n3 + " at offset " + off
                    + ") does not fit an array of " + length);
        return size;
    }

    static int len(float[] a) { return a == null ? 0 : a.length; }

    static int len(double[] a) { return a == null ? 0 : a.length; }
}
