package dlm.compiler.ops;

import dlm.compiler.autodiff.GradBuilder;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.exec.Gathers;
import java.util.List;

/**
 * {@code scatterAdd(updates, indices)}: the transpose of {@link TakeAlongAxisOp}, its VJP. A zero
 * tensor of attr {@code shape} (the gathered data's, symbolic dims allowed) into which each update
 * (o, j, i) is added at (o, indices[o, j, i], i); repeated indices add up. Floats only (it carries
 * gradients); the sums are formed in double in row-major order of the updates and rounded once.
 * Its VJP is {@code takeAlongAxis} of the cotangent with the same indices.
 */
final class ScatterAddOp implements KernelOp {

    @Override
    public String name() { return "scatterAdd"; }

    @Override
    public OpKind kind() { return OpKind.OPAQUE; }

    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        TypeRules.arity(name(), inputs, 2);
        TensorType u = inputs.get(0), idx = inputs.get(1);
        TypeRules.floating(name(), u);
        Shape target = attrs.getShape("shape");
        int axis = attrs.getInt("axis");
        GatherAxes.check(name(), target, idx, axis);
        Shape expected = GatherAxes.gathered(target, idx.shape(), axis);
        if (!u.shape().equals(expected))
            throw new ShapeException("scatterAdd: updates " + u + " do not fit indices " + idx + " into " + target + ": expected shape " + expected);
        return new TensorType(u.dtype(), target);
    }

    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        TensorType type = infer(TypeRules.typesOf(inputs), attrs);
        Tensor u = inputs.get(0), idx = inputs.get(1);
        int axis = attrs.getInt("axis");
        int[] target = type.shape().sizes();
        GatherAxes g = GatherAxes.check(name(), type.shape(), TypeRules.typeOf(idx), axis);
        AxisBlock b = AxisBlock.around(target, axis);
        int m = idx.shape()[axis], iInner = g.fullPost() ? b.inner() : 1;
        double[] acc = new double[Tensor.sizeOf(target)];
        for (int o = 0; o < b.outer(); o++)
            for (int j = 0; j < m; j++)
                for (int i = 0; i < b.inner(); i++) {
                    long at = idx.getLong(((g.fullPre() ? o : 0) * m + j) * iInner + (g.fullPost() ? i : 0));
                    int k = GatherAxes.resolve(at, b.n(), axis);
                    acc[(o * b.n() + k) * b.inner() + i] += u.getDouble((o * m + j) * b.inner() + i);
                }
        Tensor out = Tensor.zeros(type.dtype(), target);
        for (int e = 0; e < acc.length; e++) out.setDouble(e, acc[e]);
        return out;
    }

    @Override
    public List<Node> vjp(Node node, Node g, GradBuilder d) {
        return d.perInput(() -> d.op("takeAlongAxis", Attrs.of("axis", node.attrs().getInt("axis")), g, node.input(1)), GradBuilder.none());
    }

    @Override
    public KernelCall kernel(Node node, List<int[]> inputShapes, int[] outputShape) {
        int axis = node.attrs().getInt("axis");
        int[] idx = inputShapes.get(1);
        AxisBlock b = AxisBlock.around(outputShape, axis);
        GatherAxes g = GatherAxes.check(name(), Shape.of(outputShape), TensorType.of(DType.I32, idx), axis);
        return KernelCall.of(Gathers.class, "scatterAdd", KernelCall.input(0), KernelCall.input(1), KernelCall.output(),
                KernelCall.scratch(DType.F64, b.outer() * b.n() * b.inner()),
                KernelCall.constant(b.outer()), KernelCall.constant(b.n()), KernelCall.constant(idx[axis]), KernelCall.constant(b.inner()),
                KernelCall.constant(g.fullPre()), KernelCall.constant(g.fullPost()), KernelCall.constant(axis));
    }
}
