package dlm.runtime.kernels;

import java.util.Arrays;

/**
 * 2-D convolution in f64 and its two gradients as plain loops (same layouts and geometry as
 * {@link Convolution}). Every result element is a sum in a fixed order, so the results are
 * deterministic: forward, y = Σ over taps (a, b) then channels of x·k, then + bias, then ReLU;
 * the input gradient accumulates, for each input cell, the output positions in row-major order,
 * each one's taps in order; the kernel gradient accumulates the output positions in row-major order.
 */
public final class ConvolutionF64 {
    private ConvolutionF64() {}

    public static void conv2d(double[] x, int xOff, double[] k, int kOff, double[] bias, int biasOff, boolean relu,
                              double[] y, int yOff, int n, int h, int w, int c, int kh, int kw, int f, int oh, int ow,
                              int sh, int sw, int dh, int dw, int padTop, int padLeft) {
        for (int img = 0; img < n; img++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int yo = yOff + ((img * oh + oy) * ow + ox) * f;
                    Arrays.fill(y, yo, yo + f, 0.0);
                    for (int a = 0; a < kh; a++) {
                        int iy = oy * sh - padTop + a * dh;
                        if (iy < 0 || iy >= h) continue;
                        for (int b = 0; b < kw; b++) {
                            int ix = ox * sw - padLeft + b * dw;
                            if (ix < 0 || ix >= w) continue;
                            int xo = xOff + ((img * h + iy) * w + ix) * c, ko = kOff + (a * kw + b) * c * f;
                            for (int ch = 0; ch < c; ch++) {
                                double xv = x[xo + ch];
                                int kr = ko + ch * f;
                                for (int j = 0; j < f; j++) y[yo + j] += xv * k[kr + j];
                            }
                        }
                    }
                    if (bias != null) for (int j = 0; j < f; j++) y[yo + j] += bias[biasOff + j];
                    if (relu) for (int j = 0; j < f; j++) y[yo + j] = Math.max(0.0, y[yo + j]);
                }
            }
        }
    }

    public static void conv2dBackpropInput(double[] dy, int dyOff, double[] k, int kOff, double[] dx, int dxOff,
                                           int n, int h, int w, int c, int kh, int kw, int f, int oh, int ow,
                                           int sh, int sw, int dh, int dw, int padTop, int padLeft) {
        Arrays.fill(dx, dxOff, dxOff + n * h * w * c, 0.0);
        for (int img = 0; img < n; img++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int go = dyOff + ((img * oh + oy) * ow + ox) * f;
                    for (int a = 0; a < kh; a++) {
                        int iy = oy * sh - padTop + a * dh;
                        if (iy < 0 || iy >= h) continue;
                        for (int b = 0; b < kw; b++) {
                            int ix = ox * sw - padLeft + b * dw;
                            if (ix < 0 || ix >= w) continue;
                            int xo = dxOff + ((img * h + iy) * w + ix) * c, ko = kOff + (a * kw + b) * c * f;
                            for (int ch = 0; ch < c; ch++) {
                                int kr = ko + ch * f;
                                double s = 0;
                                for (int j = 0; j < f; j++) s += dy[go + j] * k[kr + j];
                                dx[xo + ch] += s;
                            }
                        }
                    }
                }
            }
        }
    }

    public static void conv2dBackpropFilter(double[] x, int xOff, double[] dy, int dyOff, double[] dk, int dkOff,
                                            int n, int h, int w, int c, int kh, int kw, int f, int oh, int ow,
                                            int sh, int sw, int dh, int dw, int padTop, int padLeft) {
        Arrays.fill(dk, dkOff, dkOff + kh * kw * c * f, 0.0);
        for (int img = 0; img < n; img++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int go = dyOff + ((img * oh + oy) * ow + ox) * f;
                    for (int a = 0; a < kh; a++) {
                        int iy = oy * sh - padTop + a * dh;
                        if (iy < 0 || iy >= h) continue;
                        for (int b = 0; b < kw; b++) {
                            int ix = ox * sw - padLeft + b * dw;
                            if (ix < 0 || ix >= w) continue;
                            int xo = xOff + ((img * h + iy) * w + ix) * c, ko = dkOff + (a * kw + b) * c * f;
                            for (int ch = 0; ch < c; ch++) {
                                double xv = x[xo + ch];
                                int kr = ko + ch * f;
                                for (int j = 0; j < f; j++) dk[kr + j] += xv * dy[go + j];
                            }
                        }
                    }
                }
            }
        }
    }
}
