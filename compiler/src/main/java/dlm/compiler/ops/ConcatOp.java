package dlm.compiler.ops;

import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code concat(x0, x1, ...)}: joins one or more tensors along attr {@code axis} (normalized),
 * NumPy's {@code np.concatenate}. All operands share the dtype, the rank (≥ 1) and every dim but
 * {@code axis}. The result's axis is the sum of theirs; a {@link Dim} is a single monomial, so a
 * sum of symbolic dims is expressible only when they are multiples of the same symbols
 * ({@code batch + batch = 2*batch}), and {@code batch + 3} is refused.
 */
final class ConcatOp implements Op {

    @Override
    public String name() { return "concat"; }

    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        if (inputs.isEmpty()) throw new ShapeException("concat needs at least one operand");
        int axis = attrs.getInt("axis");
        TensorType first = inputs.get(0);
        if (first.rank() == 0) throw new ShapeException("cannot concatenate " + first + ": operands must have rank 1 or more");
        if (!MovementSupport.inRange(axis, first.rank()))
            throw new ShapeException("cannot concatenate " + first + " on axis " + axis + ": it has rank " + first.rank());
        List<Dim> parts = new ArrayList<>(inputs.size());
        for (TensorType t : inputs) {
            if (t.dtype() != first.dtype()) throw new ShapeException("dtype mismatch: " + first + " and " + t);
            if (t.rank() != first.rank())
                throw new ShapeException("cannot concatenate " + first + " and " + t + " on axis " + axis
                        + ": ranks " + first.rank() + " vs " + t.rank());
            for (int a = 0; a < t.rank(); a++) {
                Dim want = first.shape().dim(a), got = t.shape().dim(a);
                if (a != axis && !got.equals(want))
                    throw new ShapeException("cannot concatenate " + first + " and " + t + " on axis " + axis
                            + ": axis " + a + " is " + want + " vs " + got);
            }
            parts.add(t.shape().dim(axis));
        }
        Dim total = sum(parts);
        if (total == null)
            throw new ShapeException("cannot concatenate " + inputs.stream().map(TensorType::toString).toList() + " on axis " + axis
                    + ": the sum " + String.join(" + ", parts.stream().map(Dim::toString).toList()) + " is not a single dimension");
        List<Dim> dims = new ArrayList<>(first.shape().dims());
        dims.set(axis, total);
        return first.withShape(new Shape(dims));
    }

    /** The sum of dims when it is one monomial (known 0s add nothing), else null. */
    private static Dim sum(List<Dim> parts) {
        long coefficient = 0;
        List<String> symbols = null;
        for (Dim d : parts) {
            if (d.isKnown() && d.size() == 0) continue;
            if (symbols == null) symbols = d.symbols();
            else if (!symbols.equals(d.symbols())) return null;
            coefficient += d.coefficient();
        }
        return symbols == null ? Dim.of(0) : new Dim(coefficient, symbols);
    }

    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        int[] outShape = MovementSupport.outputSizes(this, inputs, attrs);
        int axis = attrs.getInt("axis");
        Tensor out = Tensor.zeros(inputs.get(0).dtype(), outShape);
        // Row-major: for each index of the axes before `axis` (an "outer" row), each operand
        // contributes one contiguous block of (its size on axis) × (the axes after it) elements.
        int outer = 1, inner = 1;
        for (int a = 0; a < axis; a++) outer *= outShape[a];
        for (int a = axis + 1; a < outShape.length; a++) inner *= outShape[a];
        int j = 0;
        for (int o = 0; o < outer; o++) {
            for (Tensor t : inputs) {
                int block = t.dim(axis) * inner;
                for (int e = 0; e < block; e++) MovementSupport.copyElement(t, o * block + e, out, j++);
            }
        }
        return out;
    }
}
