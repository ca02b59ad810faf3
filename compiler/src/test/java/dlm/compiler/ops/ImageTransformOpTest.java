package dlm.compiler.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dlm.compiler.ir.Attrs;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.exec.ImageTransform;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The {@code imageTransform} op (TensorFlow's ImageProjectiveTransformV3, Keras 3's
 * affine_transform): hand-computed values on a one-row image for every fill mode and
 * interpolation, and random images and projective maps against a reference written here from
 * TensorFlow's formulas (in double, with mathematical modulo for reflect), in f64 and f32.
 */
class ImageTransformOpTest {

    static final String[] MODES = {"reflect", "wrap", "constant", "nearest"};
    static final int[] MODE_CODES = {ImageTransform.REFLECT, ImageTransform.WRAP, ImageTransform.CONSTANT, ImageTransform.FILL_NEAREST};

    static Tensor apply(Tensor x, double[] transform, int interpolation, int mode, double fill) {
        DType d = x.dtype();
        int rows = transform.length / 8;
        Tensor t = Tensor.zeros(d, rows, 8);
        for (int i = 0; i < transform.length; i++) t.setDouble(i, transform[i]);
        return OpRegistry.get("imageTransform").eval(List.of(x, t, Tensor.scalar(d, fill)),
                Attrs.of("interpolation", interpolation, "fillMode", mode));
    }

    /** A shift of the row [1, 2, 3] by dx (output x reads input x − dx). */
    static double[] shifted(double dx, int interpolation, int mode) {
        Tensor x = Tensor.zeros(DType.F64, 1, 1, 3, 1);
        for (int i = 0; i < 3; i++) x.setDouble(i, i + 1);
        return apply(x, new double[] {1, 0, -dx, 0, 1, 0, 0, 0}, interpolation, mode, 9).toDoubles();
    }

    @Test
    void wholePixelShiftsInEveryFillMode() {
        int nn = ImageTransform.NEAREST, bl = ImageTransform.BILINEAR;
        for (int interp : new int[] {nn, bl}) {
            // one to the right: the cell read at x = -1
            assertArrayEquals(new double[] {1, 1, 2}, shifted(1, interp, ImageTransform.REFLECT));
            assertArrayEquals(new double[] {3, 1, 2}, shifted(1, interp, ImageTransform.WRAP));
            assertArrayEquals(new double[] {9, 1, 2}, shifted(1, interp, ImageTransform.CONSTANT));
            assertArrayEquals(new double[] {1, 1, 2}, shifted(1, interp, ImageTransform.FILL_NEAREST));
            // two to the right: x = -2 reflects to 1 (dcba|abcd); TensorFlow's wrap (scipy's legacy
            // "wrap", period len − 1 when the coordinate is that far out) reads -2 + 3·2 = 4, clamped to 2
            assertArrayEquals(new double[] {2, 1, 1}, shifted(2, interp, ImageTransform.REFLECT));
            assertArrayEquals(new double[] {3, 3, 1}, shifted(2, interp, ImageTransform.WRAP));
            assertArrayEquals(new double[] {9, 9, 1}, shifted(2, interp, ImageTransform.CONSTANT));
            assertArrayEquals(new double[] {1, 1, 1}, shifted(2, interp, ImageTransform.FILL_NEAREST));
            // one to the left
            assertArrayEquals(new double[] {2, 3, 3}, shifted(-1, interp, ImageTransform.REFLECT));
            assertArrayEquals(new double[] {2, 3, 9}, shifted(-1, interp, ImageTransform.CONSTANT));
        }
    }

    @Test
    void halfPixelShifts() {
        int nn = ImageTransform.NEAREST, bl = ImageTransform.BILINEAR;
        // output x reads x − 0.5: -0.5 reflects to -0.5, clamped to 0; constant: outside, the fill value
        assertArrayEquals(new double[] {1, 1.5, 2.5}, shifted(0.5, bl, ImageTransform.REFLECT));
        assertArrayEquals(new double[] {3, 1.5, 2.5}, shifted(0.5, bl, ImageTransform.WRAP)); // -0.5 + 3 = 2.5, clamped to 2
        assertArrayEquals(new double[] {9, 1.5, 2.5}, shifted(0.5, bl, ImageTransform.CONSTANT));
        assertArrayEquals(new double[] {1, 1.5, 2.5}, shifted(0.5, bl, ImageTransform.FILL_NEAREST));
        // reading x + 0.5: 2.5 is outside for constant; reflect clamps it to 2, whose right tap (the
        // fill value, outside) has weight 0
        assertArrayEquals(new double[] {1.5, 2.5, 3}, shifted(-0.5, bl, ImageTransform.REFLECT));
        assertArrayEquals(new double[] {1.5, 2.5, 9}, shifted(-0.5, bl, ImageTransform.CONSTANT));
        // nearest rounds half away from zero: 0.5 → 1, 1.5 → 2
        assertArrayEquals(new double[] {9, 2, 3}, shifted(0.5, nn, ImageTransform.CONSTANT));
        assertArrayEquals(new double[] {1, 2, 3}, shifted(0.5, nn, ImageTransform.REFLECT));
        // a quarter: bilinear weights 0.75 / 0.25
        assertArrayEquals(new double[] {9, 1.75, 2.75}, shifted(0.25, bl, ImageTransform.CONSTANT));
    }

    @Test
    void aZeroProjectionGivesTheFillValue() {
        Tensor x = Tensor.zeros(DType.F32, 1, 2, 2, 1);
        for (int i = 0; i < 4; i++) x.setDouble(i, i + 1);
        // k = -x + 1: zero in column 1
        double[] y = apply(x, new double[] {1, 0, 0, 0, 1, 0, -1, 0}, ImageTransform.NEAREST, ImageTransform.REFLECT, 7).toDoubles();
        assertEquals(7, y[1]);
        assertEquals(7, y[3]);
        assertEquals(1, y[0]);
        assertEquals(3, y[2]);
    }

    // ---- the reference: TensorFlow's ImageProjectiveTransformV3, restated in double ----

    static double mapRef(double v, int len, String mode) {
        double m = switch (mode) {
            case "reflect" -> {
                if (len <= 1) yield 0;
                double t = v - Math.floor(v / (2.0 * len)) * 2 * len; // in [0, 2·len)
                yield t < len ? t : 2 * len - 1 - t;
            }
            case "wrap" -> {
                if (len <= 1) yield 0;
                if (v < 0) yield v + len * ((long) (-v / (len - 1)) + 1);
                if (v > len - 1) yield v - len * (long) (v / (len - 1));
                yield v;
            }
            case "constant" -> v;
            default -> v;
        };
        return mode.equals("constant") ? m : Math.min(Math.max(m, 0), len - 1);
    }

    static double pixel(double[] x, int b, int h, int w, int c, long r, long col, int ch, double fill) {
        return r < 0 || r >= h || col < 0 || col >= w ? fill : x[((b * h + (int) r) * w + (int) col) * c + ch];
    }

    static double[] reference(double[] x, int n, int h, int w, int c, double[] t, boolean bilinear, String mode, double fill) {
        double[] y = new double[x.length];
        for (int b = 0; b < n; b++)
            for (int r = 0; r < h; r++)
                for (int col = 0; col < w; col++)
                    for (int ch = 0; ch < c; ch++) {
                        int o = ((b * h + r) * w + col) * c + ch, k0 = 8 * b;
                        double k = t[k0 + 6] * col + t[k0 + 7] * r + 1;
                        double sx = mapRef((t[k0] * col + t[k0 + 1] * r + t[k0 + 2]) / k, w, mode);
                        double sy = mapRef((t[k0 + 3] * col + t[k0 + 4] * r + t[k0 + 5]) / k, h, mode);
                        if (sx < 0 || sx > w - 1 || sy < 0 || sy > h - 1) { y[o] = fill; continue; }
                        if (!bilinear) {
                            y[o] = pixel(x, b, h, w, c, Math.round(sy), Math.round(sx), ch, fill); // sy, sx >= 0 here
                            continue;
                        }
                        long r0 = (long) Math.floor(sy), c0 = (long) Math.floor(sx);
                        double fy = sy - r0, fx = sx - c0;
                        double top = (1 - fx) * pixel(x, b, h, w, c, r0, c0, ch, fill) + fx * pixel(x, b, h, w, c, r0, c0 + 1, ch, fill);
                        double bottom = (1 - fx) * pixel(x, b, h, w, c, r0 + 1, c0, ch, fill) + fx * pixel(x, b, h, w, c, r0 + 1, c0 + 1, ch, fill);
                        y[o] = (1 - fy) * top + fy * bottom;
                    }
        return y;
    }

    /** Random affine (and mildly projective) maps reaching well outside the image, every mode and interpolation. */
    @Test
    void randomMapsMatchTheReference() {
        Random rnd = new Random(12);
        int n = 3, h = 5, w = 7, c = 2;
        for (DType d : List.of(DType.F64, DType.F32))
            for (int trial = 0; trial < 20; trial++) {
                Tensor x = Tensor.zeros(d, n, h, w, c);
                for (int i = 0; i < x.size(); i++) x.setDouble(i, rnd.nextInt(100) / 4.0 - 10);
                double[] t = new double[8 * n];
                for (int b = 0; b < n; b++) {
                    double a = rnd.nextDouble() * 2 * Math.PI, s = 0.5 + rnd.nextDouble() * 1.5;
                    double[] row = {s * Math.cos(a), -s * Math.sin(a), rnd.nextDouble() * 20 - 10, s * Math.sin(a), s * Math.cos(a),
                            rnd.nextDouble() * 20 - 10, trial % 2 == 0 ? 0 : rnd.nextDouble() * 0.02, 0};
                    for (int i = 0; i < 8; i++) t[8 * b + i] = d == DType.F32 ? (float) row[i] : row[i];
                }
                for (int m = 0; m < 4; m++)
                    for (int interp : new int[] {ImageTransform.NEAREST, ImageTransform.BILINEAR}) {
                        if (d == DType.F32 && interp == ImageTransform.NEAREST) continue; // float coordinates may round the other way
                        double[] want = reference(x.toDoubles(), n, h, w, c, t, interp == ImageTransform.BILINEAR, MODES[m], -3);
                        double[] got = apply(x, t, interp, MODE_CODES[m], -3).toDoubles();
                        String what = d + " " + MODES[m] + " " + (interp == 0 ? "nearest" : "bilinear") + " trial " + trial;
                        if (d == DType.F64) assertArrayEquals(want, got, 1e-9, what);
                        else for (int i = 0; i < want.length; i++)
                            // a point within float rounding of the constant mode's border may be in or out
                            if (!(MODE_CODES[m] == ImageTransform.CONSTANT && (got[i] == -3 || want[i] == -3)))
                                assertEquals(want[i], got[i], 1e-3, what + " [" + i + "]");
                    }
            }
    }

    @Test
    void oneTransformServesEveryImage() {
        Tensor x = Tensor.zeros(DType.F64, 2, 1, 3, 1);
        for (int i = 0; i < 6; i++) x.setDouble(i, i);
        double[] y = apply(x, new double[] {1, 0, -1, 0, 1, 0, 0, 0}, ImageTransform.NEAREST, ImageTransform.CONSTANT, -1).toDoubles();
        assertArrayEquals(new double[] {-1, 0, 1, -1, 3, 4}, y);
    }

    @Test
    void badOperandsAreShapeErrors() {
        var op = OpRegistry.get("imageTransform");
        Attrs a = Attrs.of("interpolation", 0, "fillMode", 0);
        Tensor f = Tensor.scalar(DType.F32, 0);
        assertThrows(ShapeException.class, () -> op.eval(List.of(Tensor.zeros(DType.F32, 2, 3, 3), Tensor.zeros(DType.F32, 2, 8), f), a));
        assertThrows(ShapeException.class, () -> op.eval(List.of(Tensor.zeros(DType.F32, 2, 3, 3, 1), Tensor.zeros(DType.F32, 3, 8), f), a));
        assertThrows(ShapeException.class, () -> op.eval(List.of(Tensor.zeros(DType.F32, 2, 3, 3, 1), Tensor.zeros(DType.F32, 2, 6), f), a));
        assertThrows(ShapeException.class, () -> op.eval(List.of(Tensor.zeros(DType.I32, 2, 3, 3, 1), Tensor.zeros(DType.I32, 2, 8), Tensor.scalar(DType.I32, 0)), a));
        assertThrows(ShapeException.class, () -> op.eval(List.of(Tensor.zeros(DType.F32, 2, 3, 3, 1), Tensor.zeros(DType.F32, 2, 8), f),
                Attrs.of("interpolation", 2, "fillMode", 0)));
    }
}
