package dlm.compiler.ops;

import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.exec.Pool;
import java.util.List;

/**
 * {@code maxPool2dBackprop(x, dy)}: the cotangent of {@link MaxPool2dOp}'s input — each window's
 * output gradient {@code dy[n, oy, ox, c]} goes, whole, to the cell that won the window (the
 * tie rule of {@link MaxPool2dOp}); cells in several windows sum what they get. Same attrs as
 * maxPool2d; {@code dy} has maxPool2d's output shape; the result has x's.
 *
 * <p>With attr {@code relu} (set by {@link dlm.compiler.passes.MaxPoolReluMaskFusion}) it is
 * {@code where(x > 0, maxPool2dBackprop(x, dy), 0)}: a window sends its dy only when its winning
 * value is above 0 — relu's gradient mask, read from relu's output x, without a pass of its own.
 *
 * <p>Not differentiable (the interface's default): the derivative in x is zero almost
 * everywhere, and the one in dy — a gather of the cotangent at each window's winner — is not
 * an op, so max pooling has no second derivatives.
 */
final class MaxPool2dBackpropOp implements KernelOp {

    @Override
    public String name() { return "maxPool2dBackprop"; }

    @Override
    public OpKind kind() { return OpKind.OPAQUE; }

    /** The runtime kernel; its f32 form accumulates in float, so it matches eval to rounding, not bit for bit. */
    @Override
    public KernelCall kernel(Node node, List<int[]> in, int[] out) {
        return Window2d.call(Pool.class, "maxPool2dBackprop", List.of(KernelCall.input(0), KernelCall.input(1),
                        KernelCall.constant(node.attrs().getBool("relu", false)), KernelCall.output()),
                Window2d.poolGeometry(in.get(0), in.get(1), node.attrs()));
    }

    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        TypeRules.arity(name(), inputs, 2);
        TensorType x = inputs.get(0), dy = inputs.get(1);
        Window2d g = MaxPool2dOp.geometry(name(), x, attrs);
        Window2d.rank4(name(), "output gradient", dy, Window2d.NHWC);
        Window2d.sameDType(name(), x, dy);
        AvgPool2dBackpropOp.requirePooled(name(), dy, MaxPool2dOp.pooledShape(x, g), g);
        return x;
    }

    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        TensorType type = infer(TypeRules.typesOf(inputs), attrs);
        Tensor x = inputs.get(0), dy = inputs.get(1);
        Window2d g = MaxPool2dOp.geometry(name(), type, attrs);
        double[] xs = x.toDoubles(), dys = dy.toDoubles();
        double[] dx = new double[xs.length];
        int[] s = dy.shape();
        int c = s[3];
        boolean relu = attrs.getBool("relu", false);
        for (int b = 0, y = 0; b < s[0]; b++)
            for (int oy = 0; oy < s[1]; oy++)
                for (int ox = 0; ox < s[2]; ox++)
                    for (int ci = 0; ci < c; ci++, y++) {
                        int at = MaxPool2dOp.argmax(xs, g, c, b, oy, ox, ci);
                        if (!relu || xs[at] > 0) dx[at] += dys[y];
                    }
        return Conv2dOp.fill(type, dx);
    }
}
