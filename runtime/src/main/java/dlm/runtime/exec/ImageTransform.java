package dlm.runtime.exec;

import static dlm.runtime.exec.ConvChecks.len;
import static dlm.runtime.exec.ConvChecks.tensor;

/**
 * TensorFlow's {@code ImageProjectiveTransformV3} (what Keras 3's image augmentation layers call) on
 * NHWC images {@code x[n][h][w][c]}: output pixel (row y, column x) of image b reads the input at
 * {@code ((t0·x + t1·y + t2)/k, (t3·x + t4·y + t5)/k)}, {@code k = t6·x + t7·y + 1}, where t is row b of
 * the transforms {@code [tn][8]} (tn = n, or 1 for one transform for all images). A zero k, or a
 * coordinate that is not finite, gives the fill value. Each coordinate is first mapped into the image
 * by the fill mode, TensorFlow's formulas (reflect: dcba|abcd|dcba, wrap: abcd|abcd|abcd, both then
 * clamped to [0, len − 1]; nearest: clamped; constant: unchanged, and a point outside
 * [0, len − 1] is the fill value); then read by nearest (round half away from zero) or bilinear
 * interpolation, a tap outside the image reading the fill value (with weight 0 at an edge).
 * Arithmetic is in the images' dtype, in the order of TensorFlow's kernel. Sequential and
 * allocation-free, so the result does not depend on the thread count.
 */
public final class ImageTransform {
    private ImageTransform() {}

    /** Interpolation codes. */
    public static final int NEAREST = 0, BILINEAR = 1;
    /** Fill mode codes. */
    public static final int REFLECT = 0, WRAP = 1, CONSTANT = 2, FILL_NEAREST = 3;

    public static void imageTransform(float[] x, int xOff, float[] t, int tOff, float[] fill, int fillOff, float[] y, int yOff,
                                      int n, int h, int w, int c, int tn, int interpolation, int fillMode) {
        check(n, h, w, c, tn, interpolation, fillMode);
        tensor("x", x, len(x), xOff, n, h, w, c);
        tensor("y", y, len(y), yOff, n, h, w, c);
        tensor("transforms", t, len(t), tOff, tn, 8, 1, 1);
        tensor("fillValue", fill, len(fill), fillOff, 1, 1, 1, 1);
        float fv = fill[fillOff];
        int o = yOff;
        for (int b = 0; b < n; b++) {
            int tb = tOff + (tn == 1 ? 0 : 8 * b), base = xOff + b * h * w * c;
            for (int oy = 0; oy < h; oy++)
                for (int ox = 0; ox < w; ox++) {
                    float fx = ox, fy = oy;
                    float k = t[tb + 6] * fx + t[tb + 7] * fy + 1f;
                    float ix = (t[tb] * fx + t[tb + 1] * fy + t[tb + 2]) / k;
                    float iy = (t[tb + 3] * fx + t[tb + 4] * fy + t[tb + 5]) / k;
                    if (k == 0 || !Float.isFinite(ix) || !Float.isFinite(iy)) {
                        for (int ci = 0; ci < c; ci++) y[o++] = fv;
                        continue;
                    }
                    float mx = map(ix, w, fillMode), my = map(iy, h, fillMode);
                    if (mx < 0 || mx > w - 1 || my < 0 || my > h - 1) { // only "constant" leaves a coordinate outside
                        for (int ci = 0; ci < c; ci++) y[o++] = fv;
                        continue;
                    }
                    if (interpolation == NEAREST) {
                        long ry = roundHalfAway(my), rx = roundHalfAway(mx);
                        for (int ci = 0; ci < c; ci++) y[o++] = read(x, base, h, w, c, ry, rx, ci, fv);
                    } else {
                        float yf = (float) Math.floor(my), xf = (float) Math.floor(mx), yc = yf + 1, xc = xf + 1;
                        long lyf = (long) yf, lxf = (long) xf, lyc = (long) yc, lxc = (long) xc;
                        for (int ci = 0; ci < c; ci++) {
                            float top = (xc - mx) * read(x, base, h, w, c, lyf, lxf, ci, fv) + (mx - xf) * read(x, base, h, w, c, lyf, lxc, ci, fv);
                            float bottom = (xc - mx) * read(x, base, h, w, c, lyc, lxf, ci, fv) + (mx - xf) * read(x, base, h, w, c, lyc, lxc, ci, fv);
                            y[o++] = (yc - my) * top + (my - yf) * bottom;
                        }
                    }
                }
        }
    }

    public static void imageTransform(double[] x, int xOff, double[] t, int tOff, double[] fill, int fillOff, double[] y, int yOff,
                                      int n, int h, int w, int c, int tn, int interpolation, int fillMode) {
        check(n, h, w, c, tn, interpolation, fillMode);
        tensor("x", x, len(x), xOff, n, h, w, c);
        tensor("y", y, len(y), yOff, n, h, w, c);
        tensor("transforms", t, len(t), tOff, tn, 8, 1, 1);
        tensor("fillValue", fill, len(fill), fillOff, 1, 1, 1, 1);
        double fv = fill[fillOff];
        int o = yOff;
        for (int b = 0; b < n; b++) {
            int tb = tOff + (tn == 1 ? 0 : 8 * b), base = xOff + b * h * w * c;
            for (int oy = 0; oy < h; oy++)
                for (int ox = 0; ox < w; ox++) {
                    double fx = ox, fy = oy;
                    double k = t[tb + 6] * fx + t[tb + 7] * fy + 1;
                    double ix = (t[tb] * fx + t[tb + 1] * fy + t[tb + 2]) / k;
                    double iy = (t[tb + 3] * fx + t[tb + 4] * fy + t[tb + 5]) / k;
                    if (k == 0 || !Double.isFinite(ix) || !Double.isFinite(iy)) {
                        for (int ci = 0; ci < c; ci++) y[o++] = fv;
                        continue;
                    }
                    double mx = map(ix, w, fillMode), my = map(iy, h, fillMode);
                    if (mx < 0 || mx > w - 1 || my < 0 || my > h - 1) { // only "constant" leaves a coordinate outside
                        for (int ci = 0; ci < c; ci++) y[o++] = fv;
                        continue;
                    }
                    if (interpolation == NEAREST) {
                        long ry = roundHalfAway(my), rx = roundHalfAway(mx);
                        for (int ci = 0; ci < c; ci++) y[o++] = read(x, base, h, w, c, ry, rx, ci, fv);
                    } else {
                        double yf = Math.floor(my), xf = Math.floor(mx), yc = yf + 1, xc = xf + 1;
                        long lyf = (long) yf, lxf = (long) xf, lyc = (long) yc, lxc = (long) xc;
                        for (int ci = 0; ci < c; ci++) {
                            double top = (xc - mx) * read(x, base, h, w, c, lyf, lxf, ci, fv) + (mx - xf) * read(x, base, h, w, c, lyf, lxc, ci, fv);
                            double bottom = (xc - mx) * read(x, base, h, w, c, lyc, lxf, ci, fv) + (mx - xf) * read(x, base, h, w, c, lyc, lxc, ci, fv);
                            y[o++] = (yc - my) * top + (my - yf) * bottom;
                        }
                    }
                }
        }
    }

    /**
     * dx = the gradient of {@code sum(dy * imageTransform(x, t, fill))} with respect to x: each output
     * pixel's dy added to the taps it read, times their weights (bilinear: (1 − fy)(1 − fx) and so on;
     * nearest: 1); the fill value's share goes nowhere. Overwrites dx. Sequential, in output order.
     */
    public static void imageTransformBackprop(float[] dy, int dyOff, float[] t, int tOff, float[] dx, int dxOff,
                                              int n, int h, int w, int c, int tn, int interpolation, int fillMode) {
        check(n, h, w, c, tn, interpolation, fillMode);
        tensor("dy", dy, len(dy), dyOff, n, h, w, c);
        tensor("dx", dx, len(dx), dxOff, n, h, w, c);
        tensor("transforms", t, len(t), tOff, tn, 8, 1, 1);
        java.util.Arrays.fill(dx, dxOff, dxOff + n * h * w * c, 0f);
        int o = dyOff;
        for (int b = 0; b < n; b++) {
            int tb = tOff + (tn == 1 ? 0 : 8 * b), base = dxOff + b * h * w * c;
            for (int oy = 0; oy < h; oy++)
                for (int ox = 0; ox < w; ox++, o += c) {
                    float fx = ox, fy = oy;
                    float k = t[tb + 6] * fx + t[tb + 7] * fy + 1f;
                    float ix = (t[tb] * fx + t[tb + 1] * fy + t[tb + 2]) / k;
                    float iy = (t[tb + 3] * fx + t[tb + 4] * fy + t[tb + 5]) / k;
                    if (k == 0 || !Float.isFinite(ix) || !Float.isFinite(iy)) continue;
                    float mx = map(ix, w, fillMode), my = map(iy, h, fillMode);
                    if (mx < 0 || mx > w - 1 || my < 0 || my > h - 1) continue;
                    if (interpolation == NEAREST) {
                        add(dx, base, h, w, c, roundHalfAway(my), roundHalfAway(mx), dy, o, 1f);
                    } else {
                        float yf = (float) Math.floor(my), xf = (float) Math.floor(mx), yc = yf + 1, xc = xf + 1;
                        long lyf = (long) yf, lxf = (long) xf, lyc = (long) yc, lxc = (long) xc;
                        add(dx, base, h, w, c, lyf, lxf, dy, o, (yc - my) * (xc - mx));
                        add(dx, base, h, w, c, lyf, lxc, dy, o, (yc - my) * (mx - xf));
                        add(dx, base, h, w, c, lyc, lxf, dy, o, (my - yf) * (xc - mx));
                        add(dx, base, h, w, c, lyc, lxc, dy, o, (my - yf) * (mx - xf));
                    }
                }
        }
    }

    public static void imageTransformBackprop(double[] dy, int dyOff, double[] t, int tOff, double[] dx, int dxOff,
                                              int n, int h, int w, int c, int tn, int interpolation, int fillMode) {
        check(n, h, w, c, tn, interpolation, fillMode);
        tensor("dy", dy, len(dy), dyOff, n, h, w, c);
        tensor("dx", dx, len(dx), dxOff, n, h, w, c);
        tensor("transforms", t, len(t), tOff, tn, 8, 1, 1);
        java.util.Arrays.fill(dx, dxOff, dxOff + n * h * w * c, 0.0);
        int o = dyOff;
        for (int b = 0; b < n; b++) {
            int tb = tOff + (tn == 1 ? 0 : 8 * b), base = dxOff + b * h * w * c;
            for (int oy = 0; oy < h; oy++)
                for (int ox = 0; ox < w; ox++, o += c) {
                    double fx = ox, fy = oy;
                    double k = t[tb + 6] * fx + t[tb + 7] * fy + 1;
                    double ix = (t[tb] * fx + t[tb + 1] * fy + t[tb + 2]) / k;
                    double iy = (t[tb + 3] * fx + t[tb + 4] * fy + t[tb + 5]) / k;
                    if (k == 0 || !Double.isFinite(ix) || !Double.isFinite(iy)) continue;
                    double mx = map(ix, w, fillMode), my = map(iy, h, fillMode);
                    if (mx < 0 || mx > w - 1 || my < 0 || my > h - 1) continue;
                    if (interpolation == NEAREST) {
                        add(dx, base, h, w, c, roundHalfAway(my), roundHalfAway(mx), dy, o, 1.0);
                    } else {
                        double yf = Math.floor(my), xf = Math.floor(mx), yc = yf + 1, xc = xf + 1;
                        long lyf = (long) yf, lxf = (long) xf, lyc = (long) yc, lxc = (long) xc;
                        add(dx, base, h, w, c, lyf, lxf, dy, o, (yc - my) * (xc - mx));
                        add(dx, base, h, w, c, lyf, lxc, dy, o, (yc - my) * (mx - xf));
                        add(dx, base, h, w, c, lyc, lxf, dy, o, (my - yf) * (xc - mx));
                        add(dx, base, h, w, c, lyc, lxc, dy, o, (my - yf) * (mx - xf));
                    }
                }
        }
    }

    /** dx at tap (iy, ix), when inside the image, += weight · dy[o .. o + c). */
    private static void add(float[] dx, int base, int h, int w, int c, long iy, long ix, float[] dy, int o, float weight) {
        if (iy < 0 || iy >= h || ix < 0 || ix >= w) return;
        int at = base + (int) ((iy * w + ix) * c);
        for (int ci = 0; ci < c; ci++) dx[at + ci] += weight * dy[o + ci];
    }

    private static void add(double[] dx, int base, int h, int w, int c, long iy, long ix, double[] dy, int o, double weight) {
        if (iy < 0 || iy >= h || ix < 0 || ix >= w) return;
        int at = base + (int) ((iy * w + ix) * c);
        for (int ci = 0; ci < c; ci++) dx[at + ci] += weight * dy[o + ci];
    }

    private static void check(int n, int h, int w, int c, int tn, int interpolation, int fillMode) {
        if (n < 0 || h < 0 || w < 0 || c < 0 || !(tn == 1 || tn == n))
            throw new IllegalArgumentException("bad dimensions: n=" + n + " h=" + h + " w=" + w + " c=" + c + " transforms " + tn);
        if (interpolation != NEAREST && interpolation != BILINEAR) throw new IllegalArgumentException("interpolation " + interpolation);
        if (fillMode < REFLECT || fillMode > FILL_NEAREST) throw new IllegalArgumentException("fill mode " + fillMode);
    }

    private static float read(float[] x, int base, int h, int w, int c, long iy, long ix, int ci, float fill) {
        return 0 <= iy && iy < h && 0 <= ix && ix < w ? x[base + (int) ((iy * w + ix) * c) + ci] : fill;
    }

    private static double read(double[] x, int base, int h, int w, int c, long iy, long ix, int ci, double fill) {
        return 0 <= iy && iy < h && 0 <= ix && ix < w ? x[base + (int) ((iy * w + ix) * c) + ci] : fill;
    }

    /** C's round (half away from zero) of a finite value, as a long (saturating). */
    static long roundHalfAway(double v) {
        if (v < 0) return -roundHalfAway(-v);
        double f = Math.floor(v);
        return (long) (v - f >= 0.5 ? f + 1 : f);
    }

    /** TensorFlow's MapCoordinate in float: a coordinate along an axis of {@code len} cells, mapped by the fill mode. */
    static float map(float in, int len, int mode) {
        switch (mode) {
            case REFLECT -> {
                if (in < 0) {
                    if (len <= 1) in = 0;
                    else {
                        long sz2 = 2L * len;
                        if (in < sz2) in = sz2 * (long) (-in / sz2) + in;
                        in = in < -len ? in + sz2 : -in - 1;
                    }
                } else if (in > len - 1) {
                    if (len <= 1) in = 0;
                    else {
                        long sz2 = 2L * len;
                        in -= sz2 * (long) (in / sz2);
                        if (in >= len) in = sz2 - in - 1;
                    }
                }
                return clamp(in, len);
            }
            case WRAP -> {
                if (in < 0) {
                    if (len <= 1) in = 0;
                    else {
                        long sz = len - 1;
                        in += len * ((long) (-in / sz) + 1);
                    }
                } else if (in > len - 1) {
                    if (len <= 1) in = 0;
                    else {
                        long sz = len - 1;
                        in -= len * (long) (in / sz);
                    }
                }
                return clamp(in, len);
            }
            case FILL_NEAREST -> { return clamp(in, len); }
            default -> { return in; }
        }
    }

    /** {@link #map(float, int, int)} in double. */
    static double map(double in, int len, int mode) {
        switch (mode) {
            case REFLECT -> {
                if (in < 0) {
                    if (len <= 1) in = 0;
                    else {
                        long sz2 = 2L * len;
                        if (in < sz2) in = sz2 * (long) (-in / sz2) + in;
                        in = in < -len ? in + sz2 : -in - 1;
                    }
                } else if (in > len - 1) {
                    if (len <= 1) in = 0;
                    else {
                        long sz2 = 2L * len;
                        in -= sz2 * (long) (in / sz2);
                        if (in >= len) in = sz2 - in - 1;
                    }
                }
                return clamp(in, len);
            }
            case WRAP -> {
                if (in < 0) {
                    if (len <= 1) in = 0;
                    else {
                        long sz = len - 1;
                        in += len * ((long) (-in / sz) + 1);
                    }
                } else if (in > len - 1) {
                    if (len <= 1) in = 0;
                    else {
                        long sz = len - 1;
                        in -= len * (long) (in / sz);
                    }
                }
                return clamp(in, len);
            }
            case FILL_NEAREST -> { return clamp(in, len); }
            default -> { return in; }
        }
    }

    private static float clamp(float v, int len) { return Math.min(Math.max(v, 0f), (float) (len - 1)); }

    private static double clamp(double v, int len) { return Math.min(Math.max(v, 0.0), len - 1); }
}
