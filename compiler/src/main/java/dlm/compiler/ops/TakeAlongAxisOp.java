package dlm.compiler.ops;

import dlm.compiler.autodiff.GradBuilder;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.TensorType;
import dlm.runtime.Tensor;
import dlm.runtime.exec.Gathers;
import java.util.List;

/**
 * {@code takeAlongAxis(x, indices)}: NumPy's {@code take_along_axis} along attr {@code axis}
 * (normalized int), with the indices' shape rule of {@link GatherAxes}: the result has x's shape
 * with the indexed axis as long as the indices', and element (o, j, i) is x at (o, indices[o, j, i], i)
 * (the indices' o or i taken as 0 where they are 1). An index may be negative, counting from the end
 * as in NumPy's {@code take}; one outside {@code -n..n-1} is an error when the graph runs. The
 * surface {@code take}, {@code x[indices]}, {@code sort} and {@code topK} are built on it. Its VJP
 * scatters the cotangent back with {@code scatterAdd} (repeated indices add up).
 */
final class TakeAlongAxisOp implements KernelOp {

    @Override
    public String name() { return "takeAlongAxis"; }

    @Override
    public OpKind kind() { return OpKind.OPAQUE; }

    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        TypeRules.arity(name(), inputs, 2);
        TensorType x = inputs.get(0), idx = inputs.get(1);
        int axis = attrs.getInt("axis");
        GatherAxes.check(name(), x.shape(), idx, axis);
        return x.withShape(GatherAxes.gathered(x.shape(), idx.shape(), axis));
    }

    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        TensorType type = infer(TypeRules.typesOf(inputs), attrs);
        Tensor x = inputs.get(0), idx = inputs.get(1);
        int axis = attrs.getInt("axis");
        GatherAxes g = GatherAxes.check(name(), TypeRules.typeOf(x).shape(), TypeRules.typeOf(idx), axis);
        AxisBlock b = AxisBlock.around(x.shape(), axis);
        int m = idx.shape()[axis], iInner = g.fullPost() ? b.inner() : 1;
        Tensor out = Tensor.zeros(x.dtype(), type.shape().sizes());
        for (int o = 0; o < b.outer(); o++)
            for (int j = 0; j < m; j++)
                for (int i = 0; i < b.inner(); i++) {
                    long at = idx.getLong(((g.fullPre() ? o : 0) * m + j) * iInner + (g.fullPost() ? i : 0));
                    int k = GatherAxes.resolve(at, b.n(), axis);
                    TypeRules.copyElement(x, (o * b.n() + k) * b.inner() + i, out, (o * m + j) * b.inner() + i);
                }
        return out;
    }

    @Override
    public List<Node> vjp(Node node, Node g, GradBuilder d) {
        Node x = node.input(0), idx = node.input(1);
        int axis = node.attrs().getInt("axis");
        return d.perInput(() -> d.op("scatterAdd", Attrs.of("axis", axis, "shape", x.type().shape()), g, idx), GradBuilder.none());
    }

    @Override
    public KernelCall kernel(Node node, List<int[]> inputShapes, int[] outputShape) {
        int axis = node.attrs().getInt("axis");
        int[] x = inputShapes.get(0), idx = inputShapes.get(1);
        AxisBlock b = AxisBlock.around(x, axis);
        GatherAxes g = GatherAxes.check(name(), dlm.compiler.ir.Shape.of(x), dlm.compiler.ir.TensorType.of(dlm.runtime.DType.I32, idx), axis);
        return KernelCall.of(Gathers.class, "takeAlongAxis", KernelCall.input(0), KernelCall.input(1), KernelCall.output(),
                KernelCall.constant(b.outer()), KernelCall.constant(b.n()), KernelCall.constant(idx[axis]), KernelCall.constant(b.inner()),
                KernelCall.constant(g.fullPre()), KernelCall.constant(g.fullPost()), KernelCall.constant(axis));
    }

    @Override
    public int rowAxis(Node node, int[] in) { return RowAxes.alongAxis(in, node.attrs().getInt("axis")); }
}
