package dlm.compiler.ops;

import dlm.compiler.autodiff.GradBuilder;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.runtime.Tensor;
import java.util.List;

/**
 * {@code broadcastTo(x)}: x repeated to the target attr {@code shape}, NumPy's
 * {@code np.broadcast_to}: the axes align on the right, x may have fewer axes (they act as
 * leading 1s), and each x axis must equal the target's or be a known 1. Axes in messages are
 * numbered in the target.
 */
final class BroadcastToOp implements Op {
    @Override
    public OpKind kind() { return OpKind.INJECTIVE; }

    @Override
    public String name() { return "broadcastTo"; }

    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        MovementSupport.requireArity(name(), inputs, 1);
        TensorType x = inputs.get(0);
        Shape target = attrs.getShape("shape");
        if (x.rank() > target.rank())
            throw new ShapeException("cannot broadcast " + x + " to " + target + ": rank " + x.rank() + " is more than " + target.rank());
        int shift = target.rank() - x.rank();
        for (int t = 0; t < x.rank(); t++) {
            Dim d = x.shape().dim(t), want = target.dim(t + shift);
            if (!d.equals(want) && !d.isOne())
                throw new ShapeException("cannot broadcast " + x + " to " + target + ": axis " + (t + shift) + " is " + d + " vs " + want);
        }
        return x.withShape(target);
    }

    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        int[] outShape = MovementSupport.outputSizes(this, inputs, attrs);
        Tensor x = inputs.get(0);
        int[] xShape = x.shape();
        int shift = outShape.length - xShape.length;
        // A size-1 axis is read at index 0 for every output position along it.
        return MovementSupport.gather(x, outShape, (out, in) -> {
            for (int t = 0; t < xShape.length; t++) in[t] = xShape[t] == 1 ? 0 : out[t + shift];
        });
    }

    /** The cotangent summed over the axes x was broadcast along. */
    @Override
    public List<Node> vjp(Node node, Node g, GradBuilder d) {
        return d.perInput(() -> d.unbroadcast(g, node.input(0)));
    }

    @Override
    public int rowAxis(Node node, int[] in) { return RowAxes.broadcast(node, in); }
}
