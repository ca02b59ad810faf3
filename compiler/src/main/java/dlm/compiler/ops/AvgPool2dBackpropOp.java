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
 * {@code avgPool2dBackprop(dy)}: the cotangent of {@link AvgPool2dOp}'s input — each window's
 * output gradient divided by the window's count of real cells, added to each of those cells.
 * Attrs: avgPool2d's and {@code inputSize} = {H, W}. Linear, and the adjoint of avgPool2d, so
 * its VJP is {@code avgPool2d(G)}.
 */
final class AvgPool2dBackpropOp implements KernelOp {

    @Override
    public String name() { return "avgPool2dBackprop"; }

    @Override
    public OpKind kind() { return OpKind.OPAQUE; }

    /** The runtime kernel; its f32 form accumulates in float, so it matches eval to rounding, not bit for bit. */
    @Override
    public KernelCall kernel(Node node, List<int[]> in, int[] out) {
        return Window2d.call(Pool.class, "avgPool2dBackprop", List.of(KernelCall.input(0), KernelCall.output()),
                Window2d.poolGeometry(out, in.get(0), node.attrs()));
    }

    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        TypeRules.arity(name(), inputs, 1);
        TensorType dy = inputs.get(0);
        int[] size = Window2d.pair(name(), attrs, "inputSize");
        Window2d.rank4(name(), "output gradient", dy, Window2d.NHWC);
        TensorType x = dy.withShape(Shape.of(dy.shape().dim(0), Dim.of(size[0]), Dim.of(size[1]), dy.shape().dim(3)));
        Window2d g = MaxPool2dOp.geometry(name(), x, attrs);
        requirePooled(name(), dy, MaxPool2dOp.pooledShape(x, g), g);
        return x;
    }

    /** The output gradient must have the pooling's output shape. */
    static void requirePooled(String op, TensorType dy, Shape want, Window2d g) {
        if (!dy.shape().equals(want))
            throw new ShapeException(op + ": the output gradient " + dy + " does not have the shape " + want + " of the output of a "
                    + g.h() + "x" + g.w() + " input");
    }

    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        TensorType type = infer(TypeRules.typesOf(inputs), attrs);
        Tensor dy = inputs.get(0);
        Window2d g = MaxPool2dOp.geometry(name(), type, attrs);
        double[] dys = dy.toDoubles();
        double[] dx = new double[Tensor.sizeOf(type.shape().sizes())];
        int[] s = dy.shape();
        int c = s[3];
        for (int b = 0, y = 0; b < s[0]; b++)
            for (int oy = 0; oy < s[1]; oy++)
                for (int ox = 0; ox < s[2]; ox++) {
                    int count = AvgPool2dOp.count(g, oy, ox);
                    for (int ci = 0; ci < c; ci++, y++) {
                        double share = dys[y] / count;
                        for (int ky = 0; ky < g.kh(); ky++) {
                            int iy = g.row(oy, ky);
                            if (iy < 0 || iy >= g.h()) continue;
                            for (int kx = 0; kx < g.kw(); kx++) {
                                int ix = g.col(ox, kx);
                                if (ix >= 0 && ix < g.w()) dx[((b * g.h() + iy) * g.w() + ix) * c + ci] += share;
                            }
                        }
                    }
                }
        return Conv2dOp.fill(type, dx);
    }

    @Override
    public List<Node> vjp(Node node, Node gr, GradBuilder d) {
        return d.perInput(() -> d.op("avgPool2d", Window2d.poolAttrs(node.attrs()), gr));
    }
}
