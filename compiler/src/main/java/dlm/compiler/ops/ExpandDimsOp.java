package dlm.compiler.ops;

import dlm.compiler.autodiff.GradBuilder;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code expandDims(x)}: inserts a size-1 axis at position {@code axis} (attr, 0..rank), like
 * {@code np.expand_dims}; the elements keep their order.
 */
final class ExpandDimsOp implements Op {
    @Override
    public OpKind kind() { return OpKind.INJECTIVE; }

    @Override
    public String name() { return "expandDims"; }

    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        MovementSupport.requireArity(name(), inputs, 1);
        TensorType x = inputs.get(0);
        int axis = attrs.getInt("axis");
        // rank + 1 positions: before each axis, or after the last one.
        if (!MovementSupport.inRange(axis, x.rank() + 1))
            throw new ShapeException("cannot insert axis " + axis + " into " + x + ": the axis must be in 0.." + x.rank());
        List<Dim> dims = new ArrayList<>(x.shape().dims());
        dims.add(axis, Dim.of(1));
        return x.withShape(new Shape(dims));
    }

    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        return MovementSupport.relabel(inputs.get(0), MovementSupport.outputSizes(this, inputs, attrs));
    }

    /** The cotangent with the inserted axis squeezed out. */
    @Override
    public List<Node> vjp(Node node, Node g, GradBuilder d) {
        return d.perInput(() -> d.op("squeeze", Attrs.of("axes", new int[] {node.attrs().getInt("axis")}), g));
    }

    @Override
    public int rowAxis(Node node, int[] in) {
        if (in[0] < 0) return in[0];
        return node.attrs().getInt("axis") <= in[0] ? in[0] + 1 : in[0];
    }
}
