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
 * {@code squeeze(x)}: removes the size-1 axes listed in attr {@code axes} (int[], normalized),
 * like {@code np.squeeze(x, axis=axes)}. Each listed axis must be statically known to be 1: a
 * symbolic dim might be 1 at run time, but the result's rank has to be known now.
 */
final class SqueezeOp implements Op {
    @Override
    public OpKind kind() { return OpKind.INJECTIVE; }

    @Override
    public String name() { return "squeeze"; }

    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        MovementSupport.requireArity(name(), inputs, 1);
        TensorType x = inputs.get(0);
        boolean[] drop = new boolean[x.rank()];
        for (int axis : attrs.getInts("axes")) {
            if (!MovementSupport.inRange(axis, x.rank()))
                throw new ShapeException("cannot squeeze axis " + axis + " of " + x + ": it has rank " + x.rank());
            if (drop[axis]) throw new ShapeException("cannot squeeze axis " + axis + " of " + x + " twice");
            Dim d = x.shape().dim(axis);
            if (!d.isOne()) throw new ShapeException("cannot squeeze axis " + axis + " of " + x + ": its size is " + d);
            drop[axis] = true;
        }
        List<Dim> dims = new ArrayList<>();
        for (int a = 0; a < x.rank(); a++) if (!drop[a]) dims.add(x.shape().dim(a));
        return x.withShape(new Shape(dims));
    }

    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        return MovementSupport.relabel(inputs.get(0), MovementSupport.outputSizes(this, inputs, attrs));
    }

    /** The cotangent with the squeezed size-1 axes put back. */
    @Override
    public List<Node> vjp(Node node, Node g, GradBuilder d) {
        return d.perInput(() -> d.reshape(g, node.input(0).type().shape()));
    }

    @Override
    public int rowAxis(Node node, int[] in) {
        if (in[0] < 0) return in[0];
        boolean[] removed = new boolean[node.input(0).type().rank()];
        for (int a : node.attrs().getInts("axes")) removed[a] = true;
        return removed[in[0]] ? RowAxes.MIXED : RowAxes.shiftedBy(in[0], removed);
    }
}
