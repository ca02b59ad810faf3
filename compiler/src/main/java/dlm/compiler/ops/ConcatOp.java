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
import java.util.function.Supplier;

/**
 * {@code concat(x0, x1, ...)}: joins one or more tensors along attr {@code axis} (normalized),
 * NumPy's {@code np.concatenate}. All operands share the dtype, the rank (≥ 1) and every dim but
 * {@code axis}. The result's axis is the sum of theirs; a {@link Dim} is a single monomial, so a
 * sum of symbolic dims is expressible only when they are multiples of the same symbols
 * ({@code batch + batch = 2*batch}), and {@code batch + 3} is refused.
 */
final class ConcatOp implements Op {
    @Override
    public OpKind kind() { return OpKind.INJECTIVE; }

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

    /**
     * Each operand's cotangent is its part of g along the axis, cut with {@code slice}. When the
     * axis is symbolic, every part is a multiple {@code c·S} of one monomial S (the type rule
     * ensures it), so g is viewed as {@code (.., C, S, ..)} with C = Σc, sliced on the known C
     * axis, and reshaped back.
     */
    @Override
    public List<Node> vjp(Node node, Node g, GradBuilder d) {
        int axis = node.attrs().getInt("axis");
        Shape out = node.type().shape();
        Dim total = out.dim(axis);
        Dim unit = new Dim(1, total.symbols()); // S (1 when the axis is known)
        Node view = g;
        if (!unit.isKnown()) {
            List<Dim> dims = new ArrayList<>(out.dims());
            dims.set(axis, Dim.of(total.coefficient()));
            dims.add(axis + 1, unit);
            view = d.reshape(g, new Shape(dims));
        }
        Node source = view;
        List<Supplier<Node>> rules = new ArrayList<>();
        long offset = 0;
        for (Node in : node.inputs()) {
            Dim part = in.type().shape().dim(axis);
            long c = part.coefficient();
            int start = (int) offset;
            offset += c;
            rules.add(() -> {
                if (c == 0) return d.zerosLike(in);
                Node cut = d.op("slice", Attrs.of("axes", new int[] {axis}, "starts", new int[] {start},
                        "stops", new int[] {(int) (start + c)}, "steps", new int[] {1}), source);
                return d.reshape(cut, in.type().shape());
            });
        }
        @SuppressWarnings("unchecked")
        Supplier<Node>[] array = rules.toArray(new Supplier[0]);
        return d.perInput(array);
    }

    /** Rows survive a concatenation along another axis, every operand carrying rows on the same axis (or none). */
    @Override
    public int rowAxis(Node node, int[] in) {
        int result = RowAxes.NONE;
        for (int a : in) {
            if (a == RowAxes.NONE) continue;
            if (a == RowAxes.MIXED || (result != RowAxes.NONE && a != result)) return RowAxes.MIXED;
            result = a;
        }
        return result >= 0 && node.attrs().getInt("axis") == result ? RowAxes.MIXED : result;
    }
}
