package dlm.compiler.ops;

import dlm.compiler.autodiff.GradBuilder;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The reductions, one table entry each: sum, mean, prod, max, min over attr {@code axes}
 * ({@link ReduceOp}), argmax/argmin over attr {@code axis} ({@link ArgReduceOp}), and
 * {@code numel} ({@link NumelOp}), the element count that the VJP of a mean over symbolic axes
 * divides by. Each reduction's VJP broadcasts the cotangent back over the reduced axes.
 */
final class ReductionOps {
    private ReductionOps() {}

    static void register() {
        // sum: every element gets the cotangent of the sum it went into.
        OpRegistry.register(new ReduceOp("sum", false, false, ReductionOps::sumDType, ReductionOps::sum,
                (n, g, d) -> d.perInput(() -> d.broadcastBack(g, shapeOf(n), mask(n)))));
        // mean: the same, divided by the number of elements averaged (read at run time when symbolic).
        OpRegistry.register(new ReduceOp("mean", false, false, ReductionOps::meanDType, ReductionOps::mean,
                (n, g, d) -> d.perInput(() -> d.broadcastBack(d.div(g, d.count(n.input(0), mask(n), g.type().dtype())), shapeOf(n), mask(n)))));
        // prod: the product (1 over zero elements), integers exactly and wrapping as sum.
        OpRegistry.register(new ProdOp(new ReduceOp("prod", false, false, ReductionOps::sumDType, ReductionOps::prod, ReductionOps::prodVjp)));
        OpRegistry.register(new ReduceOp("max", true, true, d -> d, (in, m, out, o) -> extreme(in, m, out, o, true), ReductionOps::extremeVjp));
        OpRegistry.register(new ReduceOp("min", true, true, d -> d, (in, m, out, o) -> extreme(in, m, out, o, false), ReductionOps::extremeVjp));
        OpRegistry.register(new ArgReduceOp("argmax", true));
        OpRegistry.register(new ArgReduceOp("argmin", false));
        OpRegistry.register(new NumelOp());
    }

    private static Shape shapeOf(Node reduction) { return reduction.input(0).type().shape(); }

    private static boolean[] mask(Node reduction) { return GradBuilder.reducedAxes(reduction.attrs(), reduction.input(0).type().rank()); }

    /**
     * The VJP of max and min: the cotangent goes to the elements equal to the result, split
     * equally among ties (as TensorFlow's reduce_max and JAX do), so the gradient of
     * {@code max([1, 3, 3])} is {@code [0, 0.5, 0.5]} and the sum over the group is the cotangent.
     */
    private static List<Node> extremeVjp(Node n, Node g, GradBuilder d) {
        return d.perInput(() -> {
            Node x = n.input(0);
            boolean[] mask = mask(n);
            Shape kept = GradBuilder.keptShape(x.type().shape(), mask);
            int[] axes = IntStream.range(0, mask.length).filter(a -> mask[a]).toArray();
            Node hit = d.cast(d.equal(x, d.reshape(n, kept)), x.type().dtype()); // 1 at the extreme elements
            Node ties = d.sum(hit, axes, true);
            return d.mul(hit, d.div(d.reshape(g, kept), ties));
        });
    }

    /**
     * The VJP of prod, right when elements are zero (PyTorch's rule): an element's derivative is
     * the product of the other elements of its group. With z the group's count of zeros and q
     * the product of its non-zero elements, that is q / x for every element when z = 0; q at the
     * zero and 0 elsewhere when z = 1; and 0 everywhere when z ≥ 2. Written as
     * {@code where(z == isZero(x), g·q / where(isZero(x), 1, x), 0)}: the others of an element
     * hold no zero exactly when the group's zeros are the element's own. It divides rather than
     * multiplying the others out, as PyTorch does when no element is zero (so it may overflow
     * where the true product of the others would not). Differentiated again it is right away
     * from zeros; at a zero the mask is a constant of the graph, so the mixed second derivatives
     * through it are 0 rather than the product of the remaining elements.
     */
    private static List<Node> prodVjp(Node n, Node g, GradBuilder d) {
        return d.perInput(() -> {
            Node x = n.input(0);
            boolean[] mask = mask(n);
            Shape kept = GradBuilder.keptShape(x.type().shape(), mask);
            int[] axes = IntStream.range(0, mask.length).filter(a -> mask[a]).toArray();
            DType t = x.type().dtype();
            Node isZero = d.equal(x, d.scalarLike(0, x));
            Node nonZero = d.where(isZero, d.scalarLike(1, x), x);
            Node q = d.op("prod", dlm.compiler.ir.Attrs.of("axes", axes, "keepdims", true), nonZero);
            Node zeros = d.sum(d.cast(isZero, t), axes, true);
            Node others = d.div(d.mul(d.reshape(g, kept), q), nonZero);
            return d.maskWhere(d.equal(zeros, d.cast(isZero, t)), others);
        });
    }

    /** Integers multiply exactly in a long (wrapping to the result dtype); floats in a double, rounded once. */
    private static void prod(Tensor in, int[] members, Tensor out, int o) {
        if (TypeRules.exact(out.dtype())) {
            long p = 1;
            for (int i : members) p *= in.getLong(i);
            out.setLong(o, p);
        } else {
            double p = 1;
            for (int i : members) p *= in.getDouble(i);
            out.setDouble(o, p);
        }
    }

    /** Counting bools and summing small integers must not wrap in 8 bits: they sum in i32, as NumPy's int32 default. */
    static DType sumDType(DType in) {
        if (in.isFloating() || in == DType.I64) return in;
        return DType.I32;
    }

    /** A mean of integers is fractional. */
    static DType meanDType(DType in) { return in.isFloating() ? in : DType.F32; }

    /** Integers sum exactly in a long (wrapping to the result dtype); floats in a double, rounded once. */
    private static void sum(Tensor in, int[] members, Tensor out, int o) {
        if (TypeRules.exact(out.dtype())) {
            long s = 0;
            for (int i : members) s += in.getLong(i);
            out.setLong(o, s);
        } else {
            double s = 0;
            for (int i : members) s += in.getDouble(i);
            out.setDouble(o, s);
        }
    }

    /** The mean of zero elements is 0/0 = NaN, as in NumPy. */
    private static void mean(Tensor in, int[] members, Tensor out, int o) {
        double s = 0;
        for (int i : members) s += in.getDouble(i);
        out.setDouble(o, s / members.length);
    }

    /** Max or min of a non-empty group (infer rejects empty axes); NaN propagates as in NumPy. */
    private static void extreme(Tensor in, int[] members, Tensor out, int o, boolean max) {
        if (TypeRules.exact(in.dtype())) {
            long m = in.getLong(members[0]);
            for (int i : members) m = max ? Math.max(m, in.getLong(i)) : Math.min(m, in.getLong(i));
            out.setLong(o, m);
        } else {
            double m = in.getDouble(members[0]);
            for (int i : members) m = max ? Math.max(m, in.getDouble(i)) : Math.min(m, in.getDouble(i));
            out.setDouble(o, m);
        }
    }
}
