package dlm.compiler.ops;

import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
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
}
