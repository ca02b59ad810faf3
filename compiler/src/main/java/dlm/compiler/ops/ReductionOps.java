package dlm.compiler.ops;

import dlm.runtime.DType;
import dlm.runtime.Tensor;

/**
 * The reductions, one table entry each: sum, mean, max, min over attr {@code axes}
 * ({@link ReduceOp}), and argmax/argmin over attr {@code axis} ({@link ArgReduceOp}).
 */
final class ReductionOps {
    private ReductionOps() {}

    static void register() {
        OpRegistry.register(new ReduceOp("sum", false, false, ReductionOps::sumDType, ReductionOps::sum));
        OpRegistry.register(new ReduceOp("mean", false, false, ReductionOps::meanDType, ReductionOps::mean));
        OpRegistry.register(new ReduceOp("max", true, true, d -> d, (in, m, out, o) -> extreme(in, m, out, o, true)));
        OpRegistry.register(new ReduceOp("min", true, true, d -> d, (in, m, out, o) -> extreme(in, m, out, o, false)));
        OpRegistry.register(new ArgReduceOp("argmax", true));
        OpRegistry.register(new ArgReduceOp("argmin", false));
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
