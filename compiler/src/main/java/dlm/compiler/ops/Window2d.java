package dlm.compiler.ops;

import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.TensorType;
import java.util.ArrayList;
import java.util.List;

/**
 * The spatial geometry shared by the 2-D window ops (convolution and pooling) on NHWC tensors:
 * an input of {@code h × w} cells, a window of {@code kh × kw} taps spaced by the dilation
 * ({@code dh}, {@code dw}; 1 for pooling), moved by the strides, over the input padded with
 * {@code top}, {@code bottom}, {@code left}, {@code right} cells. Attrs: {@code strides} int[2],
 * {@code dilation} int[2] (convolution), {@code padding} int[4] = (top, bottom, left, right),
 * explicit — the surface builtins resolve "valid" and "same".
 *
 * <p>Output position {@code oy} reads input rows {@code oy·sh − top + ky·dh} for
 * {@code ky = 0 … kh−1}; a row outside {@code [0, h)} is a padded cell. The output has
 * {@code oh = (h + top + bottom − ((kh−1)·dh + 1)) / sh + 1} rows (rounded down, TF's and
 * PyTorch's rule); the same along the width.
 */
record Window2d(int h, int w, int kh, int kw, int sh, int sw, int dh, int dw, int top, int bottom, int left, int right) {

    /** The extent of the dilated window along the height. */
    int spanH() { return (kh - 1) * dh + 1; }

    int spanW() { return (kw - 1) * dw + 1; }

    int oh() { return (h + top + bottom - spanH()) / sh + 1; }

    int ow() { return (w + left + right - spanW()) / sw + 1; }

    /** The input row of output row {@code oy}'s tap {@code ky} (may be a padded row, outside [0, h)). */
    int row(int oy, int ky) { return oy * sh - top + ky * dh; }

    int col(int ox, int kx) { return ox * sw - left + kx * dw; }

    /**
     * Reads and checks the geometry attrs of a window op applied to an {@code h × w} input.
     *
     * @param window  what the window is called in messages: "kernel" or "pool"
     * @param dilated whether the op has a {@code dilation} attr (convolution); pools use 1
     * @param pool    pooling: each padding must be smaller than the window, so that every
     *                window holds at least one real cell (PyTorch's rule)
     */
    static Window2d of(String op, String window, int h, int w, int kh, int kw, Attrs attrs, boolean dilated, boolean pool) {
        int[] s = pair(op, attrs, "strides");
        int[] d = dilated ? pair(op, attrs, "dilation") : new int[] {1, 1};
        int[] p = attrs.getInts("padding");
        if (p.length != 4)
            throw new ShapeException(op + ": padding needs 4 numbers (top, bottom, left, right), got " + p.length);
        for (int v : p) if (v < 0) throw new ShapeException(op + ": padding must be 0 or more, got " + show(p));
        if (kh < 1 || kw < 1) throw new ShapeException(op + ": the " + window + " must be at least 1x1, got " + kh + "x" + kw);
        if (pool && (p[0] >= kh || p[1] >= kh || p[2] >= kw || p[3] >= kw))
            throw new ShapeException(op + ": padding " + show(p) + " must be smaller than the " + window + " " + kh + "x" + kw
                    + " on each side, or a window would hold only padding");
        long spanH = (long) (kh - 1) * d[0] + 1, spanW = (long) (kw - 1) * d[1] + 1;
        if ((long) h + p[0] + p[1] < spanH || (long) w + p[2] + p[3] < spanW) {
            String dil = spanH != kh || spanW != kw ? " (" + spanH + "x" + spanW + " with dilation " + d[0] + "x" + d[1] + ")" : "";
            throw new ShapeException(op + ": " + window + " " + kh + "x" + kw + dil + " does not fit input " + h + "x" + w + " with padding " + show(p));
        }
        if (spanH > Integer.MAX_VALUE || spanW > Integer.MAX_VALUE || (long) h + p[0] + p[1] > Integer.MAX_VALUE || (long) w + p[2] + p[3] > Integer.MAX_VALUE)
            throw new ShapeException(op + ": the padded input or the dilated " + window + " is larger than a tensor axis can be");
        return new Window2d(h, w, kh, kw, s[0], s[1], d[0], d[1], p[0], p[1], p[2], p[3]);
    }

    /** "valid" for no padding, else the four numbers. */
    static String show(int[] p) {
        if (p[0] == 0 && p[1] == 0 && p[2] == 0 && p[3] == 0) return "\"valid\"";
        return "(top " + p[0] + ", bottom " + p[1] + ", left " + p[2] + ", right " + p[3] + ")";
    }

    /** An int[2] attr whose entries are 1 or more (strides, dilation, pool sizes). */
    static int[] pair(String op, Attrs attrs, String key) {
        int[] v = attrs.getInts(key);
        if (v.length != 2) throw new ShapeException(op + ": " + key + " needs 2 numbers (height, width), got " + v.length);
        if (v[0] < 1 || v[1] < 1) throw new ShapeException(op + ": " + key + " must be 1 or more, got " + v[0] + "x" + v[1]);
        return v;
    }

    // ---- NHWC operand checks --------------------------------------------------------------------

    /** A 4-D floating-point operand; {@code layout} names its axes for the message. */
    static void rank4(String op, String role, TensorType t, String layout) {
        if (t.rank() != 4) throw new ShapeException(op + ": the " + role + " must be 4-D " + layout + ", got " + t);
        if (!t.dtype().isFloating())
            throw new ShapeException(op + ": the " + role + " must be floating-point, got " + t + "; convert it with .toF32()");
    }

    static final String NHWC = "[batch, height, width, channels] (NHWC)";
    static final String HWIO = "[height, width, in channels, filters] (HWIO)";

    /** The size of an axis that must be known statically (height, width, channels, kernel axes). */
    static int known(String op, String role, TensorType t, int axis, String what) {
        Dim d = t.shape().dim(axis);
        if (!d.isKnown())
            throw new ShapeException(op + ": the " + what + " of the " + role + " " + t + " is " + d + ", which is not known statically; "
                    + op + " needs known sizes for all axes but the batch");
        return d.size();
    }

    /** Both operands share one dtype. */
    static void sameDType(String op, TensorType a, TensorType b) {
        if (a.dtype() != b.dtype()) throw new ShapeException(op + ": dtype mismatch: " + a + " and " + b);
    }

    /** Two batch axes must be the same dim. */
    static void sameBatch(String op, TensorType a, TensorType b) {
        if (!a.shape().dim(0).equals(b.shape().dim(0)))
            throw new ShapeException(op + ": the batch axes of " + a + " and " + b + " differ: " + a.shape().dim(0) + " vs " + b.shape().dim(0));
    }

    // ---- kernel calls ------------------------------------------------------------------------------

    /**
     * A kernel call of {@code dlm.runtime.exec.Conv} or {@code Pool}: the leading arguments, then the
     * geometry their kernels take after them — n, h, w, c, then (conv) kh, kw, f, or (pool) ph, pw,
     * then oh, ow, strides, (conv) dilations, and the top and left padding (bottom and right are
     * implied by oh and ow).
     */
    static KernelCall call(Class<?> owner, String method, List<KernelCall.Arg> lead, int[] geometry) {
        List<KernelCall.Arg> args = new ArrayList<>(lead);
        for (int v : geometry) args.add(KernelCall.constant(v));
        return new KernelCall(owner, method, args);
    }

    /** Conv's geometry arguments for an input x [n, h, w, c], kernel size and filters, output size. */
    static int[] convGeometry(int[] x, int kh, int kw, int f, int[] y, Attrs a) {
        int[] s = a.getInts("strides"), d = a.getInts("dilation"), p = a.getInts("padding");
        return new int[] {x[0], x[1], x[2], x[3], kh, kw, f, y[1], y[2], s[0], s[1], d[0], d[1], p[0], p[2]};
    }

    /**
     * The flops of a convolution or of either gradient with output positions y [n, oh, ow, f] and
     * kernel k [kh, kw, c, f]: each is a product of (n·oh·ow) × (kh·kw·c) × f.
     */
    static long convFlops(int[] y, int[] k) {
        return 2L * y[0] * y[1] * y[2] * k[0] * k[1] * k[2] * k[3];
    }

    /** Pool's geometry arguments for an input x [n, h, w, c] and an output y [n, oh, ow, c]. */
    static int[] poolGeometry(int[] x, int[] y, Attrs a) {
        int[] k = a.getInts("pool"), s = a.getInts("strides"), p = a.getInts("padding");
        return new int[] {x[0], x[1], x[2], x[3], k[0], k[1], y[1], y[2], s[0], s[1], p[0], p[2]};
    }

    /** The only attrs of the forward convolution (the backprop ops carry one size more). */
    static Attrs convAttrs(Attrs a) {
        return Attrs.of("strides", a.getInts("strides"), "dilation", a.getInts("dilation"), "padding", a.getInts("padding"));
    }

    /** The only attrs of a forward pooling. */
    static Attrs poolAttrs(Attrs a) {
        return Attrs.of("pool", a.getInts("pool"), "strides", a.getInts("strides"), "padding", a.getInts("padding"));
    }
}
