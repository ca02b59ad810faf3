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
 * {@code reshape(x)}: the same elements in the same row-major order under another shape.
 * Attrs: {@code shape} (the target, symbolic dims allowed) and optional {@code inferAxis}, the
 * index in {@code shape} of NumPy's {@code -1}: that dim (whatever {@code shape} holds there) is
 * inferred as numel(x) / product(other target dims). Symbolic dims divide as monomials, which is
 * what proves {@code [batch, 28, 28]} reshaped to {@code [batch, -1]} is {@code [batch, 784]}.
 */
final class ReshapeOp implements Op {
    @Override
    public OpKind kind() { return OpKind.INJECTIVE; }

    @Override
    public String name() { return "reshape"; }

    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        MovementSupport.requireArity(name(), inputs, 1);
        TensorType x = inputs.get(0);
        Shape target = attrs.getShape("shape");
        Dim numel = x.shape().numel();
        if (!attrs.has("inferAxis")) {
            if (!target.numel().equals(numel))
                throw new ShapeException("cannot reshape " + x + " (" + numel + " elements) to " + target
                        + " (" + target.numel() + " elements)");
            return x.withShape(target);
        }
        int inferAxis = attrs.getInt("inferAxis");
        if (!MovementSupport.inRange(inferAxis, target.rank()))
            throw new ShapeException("reshape inferAxis " + inferAxis + " is not an axis of " + target);
        Dim rest = Dim.of(1);
        for (int i = 0; i < target.rank(); i++) if (i != inferAxis) rest = rest.times(target.dim(i));
        // null when the division is not exact, or when rest is 0 (then any size would fit: NumPy refuses too).
        Dim inferred = numel.dividedBy(rest);
        if (inferred == null)
            throw new ShapeException("cannot reshape " + x + " (" + numel + " elements) to "
                    + MovementSupport.withPlaceholder(target, inferAxis));
        List<Dim> dims = new ArrayList<>(target.dims());
        dims.set(inferAxis, inferred);
        return x.withShape(new Shape(dims));
    }

    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        // The type rule on the concrete input computes the inferred axis, if any.
        return MovementSupport.relabel(inputs.get(0), MovementSupport.outputSizes(this, inputs, attrs));
    }

    /** The cotangent, reshaped back to the input's shape. */
    @Override
    public List<Node> vjp(Node node, Node g, GradBuilder d) {
        return d.perInput(() -> d.reshape(g, node.input(0).type().shape()));
    }

    /**
     * Rows survive a reshape that keeps the row axis whole, with the same product of dims before
     * it (then the dims after it multiply to the same too, and element (p, k, s) stays (p, k, s)).
     */
    @Override
    public int rowAxis(Node node, int[] in) {
        if (in[0] < 0) return in[0];
        List<Dim> x = node.input(0).type().shape().dims(), y = node.type().shape().dims();
        Dim before = RowAxes.prefix(x, in[0]);
        for (int axis = 0; axis < y.size(); axis++)
            if (RowAxes.prefix(y, axis).equals(before) && y.get(axis).equals(x.get(in[0]))) return axis;
        return RowAxes.MIXED;
    }
}
