package dlm.compiler.ops;

import dlm.compiler.autodiff.GradBuilder;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code tile(x)}: repeats x {@code reps[i]} times along each axis, NumPy's {@code np.tile}.
 * Attr {@code reps} (int[], each ≥ 0). Ranks are aligned on the right: a shorter {@code reps}
 * gets leading 1s, a shorter x gets leading size-1 axes. The chapter's
 * {@code np.tile(y, (32, 1))} turns a (1,10) y into (32,10).
 */
final class TileOp implements Op {
    @Override
    public OpKind kind() { return OpKind.INJECTIVE; }

    @Override
    public String name() { return "tile"; }

    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        MovementSupport.requireArity(name(), inputs, 1);
        TensorType x = inputs.get(0);
        int[] reps = attrs.getInts("reps");
        for (int r : reps)
            if (r < 0) throw new ShapeException("cannot tile " + x + " by " + Arrays.toString(reps) + ": repetitions must be 0 or more");
        int rank = Math.max(x.rank(), reps.length);
        int xShift = rank - x.rank(), repsShift = rank - reps.length;
        List<Dim> dims = new ArrayList<>(rank);
        for (int a = 0; a < rank; a++) {
            Dim d = a < xShift ? Dim.of(1) : x.shape().dim(a - xShift);
            int r = a < repsShift ? 1 : reps[a - repsShift];
            // Zero repetitions empty the axis even when it is symbolic (rather than a "0*batch" dim).
            dims.add(r == 0 ? Dim.of(0) : d.times(Dim.of(r)));
        }
        return x.withShape(new Shape(dims));
    }

    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        int[] outShape = MovementSupport.outputSizes(this, inputs, attrs);
        Tensor x = inputs.get(0);
        int[] xShape = x.shape();
        int shift = outShape.length - xShape.length;
        // Each output position along an axis takes the input position modulo that axis's size.
        return MovementSupport.gather(x, outShape, (out, in) -> {
            for (int t = 0; t < xShape.length; t++) in[t] = out[t + shift] % xShape[t];
        });
    }

    /**
     * Every copy of an element adds its cotangent: each output axis of size {@code reps·n} is split
     * into {@code (reps, n)} (the copy index is the slower one), the copy axes are summed, and the
     * result takes x's shape. With a zero repetition nothing is copied: a zero cotangent.
     */
    @Override
    public List<Node> vjp(Node node, Node g, GradBuilder d) {
        return d.perInput(() -> {
            Node x = node.input(0);
            int[] reps = node.attrs().getInts("reps");
            int rank = node.type().rank();
            int xShift = rank - x.type().rank(), repsShift = rank - reps.length;
            List<Dim> split = new ArrayList<>();
            List<Integer> copyAxes = new ArrayList<>();
            for (int a = 0; a < rank; a++) {
                Dim n = a < xShift ? Dim.of(1) : x.type().shape().dim(a - xShift);
                int r = a < repsShift ? 1 : reps[a - repsShift];
                if (r == 0) return null;
                if (r > 1) {
                    copyAxes.add(split.size());
                    split.add(Dim.of(r));
                }
                split.add(n);
            }
            Node parts = d.reshape(g, new Shape(split));
            return d.reshape(d.sum(parts, copyAxes.stream().mapToInt(Integer::intValue).toArray(), false), x.type().shape());
        });
    }

    /** Rows survive a tiling that does not repeat along the row axis (and adds no axes). */
    @Override
    public int rowAxis(Node node, int[] in) {
        if (in[0] < 0) return in[0];
        int[] reps = node.attrs().getInts("reps");
        int shift = reps.length - node.input(0).type().rank();
        int r = in[0] + shift < 0 ? 1 : reps[in[0] + shift];
        return shift <= 0 && r == 1 ? in[0] : RowAxes.MIXED;
    }
}
