package dlm.compiler.ops;

import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import java.util.List;

/**
 * The attrs of the fused convolution + max pooling ops ({@link Conv2dMaxPoolOp},
 * {@link Conv2dMaxPoolBackpropFilterOp}): the convolution's own ({@code strides}, {@code dilation},
 * {@code padding}) and the pooling's under other names ({@code pool}, {@code poolStrides},
 * {@code poolPadding}).
 */
final class ConvPoolAttrs {
    private ConvPoolAttrs() {}

    /** The fused forms exist in f32 only (their runtime kernels'; the fusion pass makes them only there). */
    static void requireF32(String op, List<TensorType> inputs) {
        for (TensorType t : inputs)
            if (t.dtype() != DType.F32) throw new ShapeException(op + ": a fused f32 kernel form, got " + t);
    }

    /** The pooling's attrs as {@code maxPool2d} names them. */
    static Attrs pool(Attrs a) {
        return Attrs.of("pool", a.getInts("pool"), "strides", a.getInts("poolStrides"), "padding", a.getInts("poolPadding"));
    }

    /**
     * The pooling's geometry over the convolution's output (oh × ow), with the kernel call's
     * arguments: conv's geometry for input x, kernel kh×kw, f filters and output y, then pool's.
     */
    static int[] geometry(int[] x, int kh, int kw, int f, int[] conv, int[] pooled, Attrs a) {
        int[] cg = Window2d.convGeometry(x, kh, kw, f, conv, a);
        int[] pg = Window2d.poolGeometry(conv, pooled, pool(a));
        int[] all = new int[cg.length + pg.length - 4];
        System.arraycopy(cg, 0, all, 0, cg.length);
        System.arraycopy(pg, 4, all, cg.length, pg.length - 4); // pool's n, h, w, c are conv's n, oh, ow, f
        return all;
    }

    /**
     * Window (oy, ox) of a pooling {@code g}'s real cells: its first row, first column and width (the
     * cells are row-major from there; a winner code indexes them).
     */
    static int[] cells(Window2d g, int oy, int ox) {
        int y0 = Math.max(0, g.row(oy, 0)), x0 = Math.max(0, g.col(ox, 0)), x1 = Math.min(g.w(), g.col(ox, g.kw() - 1) + 1);
        return new int[] {y0, x0, x1 - x0};
    }

    /**
     * The winner code of window (oy, ox) of a max pooling {@code g} of {@code conv} (c channels) whose
     * winning element is {@code conv[at]} ({@link MaxPool2dOp#argmax}): the index of its cell among the
     * window's real cells in row-major order, or −1 when {@code relu} and the maximum is not above 0
     * (no gradient).
     */
    static int code(double[] conv, Window2d g, int c, int at, int oy, int ox, boolean relu) {
        if (relu && !(conv[at] > 0)) return -1;
        int cell = at / c, ix = cell % g.w(), iy = cell / g.w() % g.h();
        int[] w = cells(g, oy, ox);
        return (iy - w[0]) * w[2] + (ix - w[1]);
    }
}
