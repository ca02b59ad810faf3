package dlm.compiler.ops;

import dlm.compiler.autodiff.GradBuilder;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.exec.Pool;
import java.util.List;

/**
 * {@code avgPool2d(x)}: the mean of each {@code pool} window of an NHWC input, per channel, over
 * the window's real cells only — padded cells are not counted (Keras's "same", PyTorch's
 * {@code count_include_pad=False}). Attrs as {@link MaxPool2dOp}. Sums in double, divides, rounds once.
 *
 * <p>VJP: {@code dx = avgPool2dBackprop(g)}, which spreads each window's cotangent evenly over
 * its real cells.
 */
final class AvgPool2dOp implements KernelOp {

    @Override
    public String name() { return "avgPool2d"; }

    @Override
    public OpKind kind() { return OpKind.OPAQUE; }

    /** The runtime kernel; its f32 form accumulates in float, so it matches eval to rounding, not bit for bit. */
    @Override
    public KernelCall kernel(Node node, List<int[]> in, int[] out) {
        return Window2d.call(Pool.class, "avgPool2d", List.of(KernelCall.input(0), KernelCall.output()),
                Window2d.poolGeometry(in.get(0), out, node.attrs()));
    }

    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        TypeRules.arity(name(), inputs, 1);
        TensorType x = inputs.get(0);
        return x.withShape(MaxPool2dOp.pooledShape(x, MaxPool2dOp.geometry(name(), x, attrs)));
    }

    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        TensorType type = infer(TypeRules.typesOf(inputs), attrs);
        Tensor x = inputs.get(0);
        Window2d g = MaxPool2dOp.geometry(name(), TypeRules.typeOf(x), attrs);
        double[] xs = x.toDoubles();
        int[] s = type.shape().sizes();
        double[] out = new double[Tensor.sizeOf(s)];
        int c = s[3];
        for (int b = 0, y = 0; b < s[0]; b++)
            for (int oy = 0; oy < s[1]; oy++)
                for (int ox = 0; ox < s[2]; ox++)
                    for (int ci = 0; ci < c; ci++, y++) {
                        double sum = 0;
                        for (int ky = 0; ky < g.kh(); ky++) {
                            int iy = g.row(oy, ky);
                            if (iy < 0 || iy >= g.h()) continue;
                            for (int kx = 0; kx < g.kw(); kx++) {
                                int ix = g.col(ox, kx);
                                if (ix >= 0 && ix < g.w()) sum += xs[((b * g.h() + iy) * g.w() + ix) * c + ci];
                            }
                        }
                        out[y] = sum / count(g, oy, ox);
                    }
        return Conv2dOp.fill(type, out);
    }

    /** The number of real (not padded) cells in window (oy, ox); at least 1. */
    static int count(Window2d g, int oy, int ox) {
        int rows = 0, cols = 0;
        for (int ky = 0; ky < g.kh(); ky++) if (g.row(oy, ky) >= 0 && g.row(oy, ky) < g.h()) rows++;
        for (int kx = 0; kx < g.kw(); kx++) if (g.col(ox, kx) >= 0 && g.col(ox, kx) < g.w()) cols++;
        return rows * cols;
    }

    @Override
    public List<Node> vjp(Node node, Node gr, GradBuilder d) {
        return d.perInput(() -> d.op("avgPool2dBackprop", Window2d.poolAttrs(node.attrs()).with("inputSize", Conv2dOp.inputSize(node.input(0))), gr));
    }

    @Override
    public int rowAxis(Node node, int[] in) { return RowAxes.batchFirst(in); }
}
