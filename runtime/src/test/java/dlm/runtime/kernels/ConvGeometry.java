package dlm.runtime.kernels;

import java.util.Random;

/** A convolution's (or pooling's) geometry for tests, and random ones covering the cases that matter. */
record ConvGeometry(int n, int h, int w, int c, int kh, int kw, int f, int oh, int ow,
                    int sh, int sw, int dh, int dw, int padTop, int padLeft) {

    int xSize() { return n * h * w * c; }
    int ySize() { return n * oh * ow * f; }
    int kSize() { return kh * kw * c * f; }

    @Override
    public String toString() {
        return "n=" + n + " in " + h + "x" + w + "x" + c + " kernel " + kh + "x" + kw + " f=" + f + " out " + oh + "x" + ow
                + " strides " + sh + "x" + sw + " dilation " + dh + "x" + dw + " pad top/left " + padTop + "/" + padLeft;
    }

    private static final int[] CHANNELS = {1, 2, 3, 5, 7, 9, 13, 17};
    private static final int[] FILTERS = {1, 3, 7, 16, 17, 33, 40};

    /**
     * A random geometry: n 1..3, inputs up to 9×9, strides 1..3, dilation 1..2, channel and filter
     * counts that are not multiples of the vector width (and some that are), and one of four
     * paddings: "valid", TF's "same" (the extra row at the bottom), random asymmetric padding, or
     * a kernel spanning the whole (padded) input.
     */
    static ConvGeometry random(Random r) {
        while (true) {
            int n = 1 + r.nextInt(3), h = 1 + r.nextInt(9), w = 1 + r.nextInt(9);
            int c = CHANNELS[r.nextInt(CHANNELS.length)], f = FILTERS[r.nextInt(FILTERS.length)];
            int sh = 1 + r.nextInt(3), sw = 1 + r.nextInt(3), dh = 1 + r.nextInt(2), dw = 1 + r.nextInt(2);
            int kh = 1 + r.nextInt(4), kw = 1 + r.nextInt(4);
            int mode = r.nextInt(4);
            int[] y = axis(r, mode, h, kh, sh, dh), x = axis(r, mode, w, kw, sw, dw);
            if (y == null || x == null) continue;
            return new ConvGeometry(n, h, w, c, y[0], x[0], f, y[1], x[1], sh, sw, dh, dw, y[2], x[2]);
        }
    }

    /** {kernel size, output size, leading padding} along one axis, or null when the mode does not fit. */
    private static int[] axis(Random r, int mode, int in, int k, int s, int d) {
        int pad0, pad1;
        switch (mode) {
            case 0 -> { pad0 = 0; pad1 = 0; }
            case 1 -> {
                int out = (in + s - 1) / s, total = Math.max(0, (out - 1) * s + d * (k - 1) + 1 - in);
                pad0 = total / 2;
                pad1 = total - pad0;
            }
            case 2 -> { pad0 = r.nextInt(d * k); pad1 = r.nextInt(d * k); }
            default -> {
                // the kernel as large as the input: the largest k with d·(k−1)+1 ≤ in
                k = (in - 1) / d + 1;
                pad0 = 0;
                pad1 = 0;
            }
        }
        int span = in + pad0 + pad1 - d * (k - 1) - 1;
        if (span < 0) return null;
        return new int[] {k, span / s + 1, pad0};
    }

    static float[] random(Random r, int size) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) a[i] = r.nextFloat() * 2 - 1;
        return a;
    }

    static double[] randomD(Random r, int size) {
        double[] a = new double[size];
        for (int i = 0; i < size; i++) a[i] = r.nextDouble() * 2 - 1;
        return a;
    }
}
