package dlm.runtime.kernels;

/**
 * The taps of a direct convolution ({@link SmallConv}, {@link ConvMaxPool}): per tap (a, b, ch) in
 * the kernel's HWIO order (k order), its offset from a window's top-left input cell, its row, column
 * and channel; and reading a tap's input cell with 0 outside the input. Grown on demand, reused.
 */
final class ConvTaps {
    int[] off = new int[0], row = new int[0], col = new int[0], ch = new int[0];
    int taps, h, w, c, kw, dw;

    /** Fills the tables for an input h×w×c and a kh×kw kernel with dilation (dh, dw). */
    void set(int h, int w, int c, int kh, int kw, int dh, int dw) {
        int n = kh * kw * c;
        if (off.length < n) {
            off = new int[n];
            row = new int[n];
            col = new int[n];
            ch = new int[n];
        }
        this.h = h; this.w = w; this.c = c; this.kw = kw; this.dw = dw;
        int t = 0;
        for (int a = 0; a < kh; a++)
            for (int b = 0; b < kw; b++)
                for (int i = 0; i < c; i++, t++) {
                    row[t] = a * dh;
                    col[t] = b * dw;
                    ch[t] = i;
                    off[t] = (a * dh * w + b * dw) * c + i;
                }
        taps = t;
    }

    /** Whether the window with top-left input cell (iy0, ix0) lies inside the input (then tap t is at its corner + off[t]). */
    boolean inside(int iy0, int ix0) {
        return taps > 0 && iy0 >= 0 && ix0 >= 0 && iy0 + row[taps - 1] < h && ix0 + (kw - 1) * dw < w;
    }

    /** Tap t's input cell for the window at (iy0, ix0) of image img of x (from xOff), or 0 outside the input. */
    float cell(float[] x, int xOff, int img, int iy0, int ix0, int t) {
        int iy = iy0 + row[t], ix = ix0 + col[t];
        if (iy < 0 || iy >= h || ix < 0 || ix >= w) return 0f;
        return x[xOff + ((img * h + iy) * w + ix) * c + ch[t]];
    }
}
