package dlm.compiler.ops;

import dlm.compiler.autodiff.GradBuilder;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.exec.Pool;
import java.util.List;

/**
 * {@code maxPool2d(x)}: the maximum of each {@code pool} window of an NHWC input
 * {@code x: [N, H, W, C]}, per channel, giving {@code [N, OH, OW, C]}. Attrs {@code pool},
 * {@code strides} (int[2] each) and {@code padding} (int[4], each side smaller than the pool,
 * so every window holds a real cell); padded cells never win. Floating dtypes; a NaN in a
 * window makes its maximum NaN.
 *
 * <p>Tie rule (TensorFlow's and PyTorch's): each window's maximum — and so all of its cotangent
 * — belongs to the FIRST maximal cell in row-major window order (by ky, then kx); the first NaN
 * when there is one. VJP: {@code dx = maxPool2dBackprop(x, g)}.
 */
final class MaxPool2dOp implements KernelOp {

    @Override
    public String name() { return "maxPool2d"; }

    @Override
    public OpKind kind() { return OpKind.OPAQUE; }

    /** The runtime kernel; its f32 form accumulates in float, so it matches eval to rounding, not bit for bit. */
    @Override
    public KernelCall kernel(Node node, List<int[]> in, int[] out) {
        return Window2d.call(Pool.class, "maxPool2d", List.of(KernelCall.input(0), KernelCall.output()),
                Window2d.poolGeometry(in.get(0), out, node.attrs()));
    }

    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        TypeRules.arity(name(), inputs, 1);
        TensorType x = inputs.get(0);
        return x.withShape(pooledShape(x, geometry(name(), x, attrs)));
    }

    /** The checks of a pooling op's input (or input-shaped value) and the geometry they give. */
    static Window2d geometry(String op, TensorType x, Attrs attrs) {
        Window2d.rank4(op, "input", x, Window2d.NHWC);
        int h = Window2d.known(op, "input", x, 1, "height"), w = Window2d.known(op, "input", x, 2, "width");
        Window2d.known(op, "input", x, 3, "channels");
        int[] pool = Window2d.pair(op, attrs, "pool");
        return Window2d.of(op, "pool", h, w, pool[0], pool[1], attrs, false, true);
    }

    /** The pooled shape [N, OH, OW, C] of an input {@code x}. */
    static Shape pooledShape(TensorType x, Window2d g) {
        return Shape.of(x.shape().dim(0), Dim.of(g.oh()), Dim.of(g.ow()), x.shape().dim(3));
    }

    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        TensorType type = infer(TypeRules.typesOf(inputs), attrs);
        Tensor x = inputs.get(0);
        Window2d g = geometry(name(), TypeRules.typeOf(x), attrs);
        double[] xs = x.toDoubles();
        int[] s = type.shape().sizes();
        double[] out = new double[Tensor.sizeOf(s)];
        int c = s[3];
        for (int b = 0, y = 0; b < s[0]; b++)
            for (int oy = 0; oy < s[1]; oy++)
                for (int ox = 0; ox < s[2]; ox++)
                    for (int ci = 0; ci < c; ci++, y++) out[y] = xs[argmax(xs, g, c, b, oy, ox, ci)];
        return Conv2dOp.fill(type, out);
    }

    /**
     * The flat index in {@code xs} of the cell that wins window (b, oy, ox) of channel ci: the
     * first maximal real cell in row-major window order, or the first NaN (see the tie rule).
     */
    static int argmax(double[] xs, Window2d g, int c, int b, int oy, int ox, int ci) {
        int best = -1;
        for (int ky = 0; ky < g.kh(); ky++) {
            int iy = g.row(oy, ky);
            if (iy < 0 || iy >= g.h()) continue;
            for (int kx = 0; kx < g.kw(); kx++) {
                int ix = g.col(ox, kx);
                if (ix < 0 || ix >= g.w()) continue;
                int at = ((b * g.h() + iy) * g.w() + ix) * c + ci;
                if (best < 0) { best = at; continue; }
                double v = xs[at], m = xs[best];
                if (v > m || (Double.isNaN(v) && !Double.isNaN(m))) best = at;
            }
        }
        return best; // never -1: every window holds a real cell (padding < pool)
    }

    @Override
    public List<Node> vjp(Node node, Node gr, GradBuilder d) {
        return d.perInput(() -> d.op("maxPool2dBackprop", Window2d.poolAttrs(node.attrs()), node.input(0), gr));
    }

    @Override
    public int rowAxis(Node node, int[] in) { return RowAxes.batchFirst(in); }
}
