package dlm.compiler.check;

import dlm.runtime.DType;
import dlm.runtime.Tensor;

/** A tensor written as a DLM expression that evaluates to exactly the same values and dtype. */
public final class TensorSource {
    private TensorSource() {}

    public static String literal(Tensor t) {
        if (t.dtype() == DType.I64 && !allDoubles(t)) {
            // i64 values beyond 2^53 have no exact number literal (numbers are doubles): write
            // them as an exact i64 sum of a multiple of 2048 and a remainder, both doubles exactly
            Tensor high = Tensor.zeros(DType.I64, t.shape()), low = Tensor.zeros(DType.I64, t.shape());
            for (int i = 0; i < t.size(); i++) {
                high.setLong(i, t.getLong(i) & ~0x7FFL);
                low.setLong(i, t.getLong(i) & 0x7FFL);
            }
            return "(" + literal(high) + " + " + literal(low) + ")";
        }
        if (t.size() > 0 && allEqual(t) && t.rank() > 0) {
            StringBuilder sb = new StringBuilder("full(");
            for (int d : t.shape()) sb.append(d).append(", ");
            return sb.append("value = ").append(element(t, 0)).append(", dtype = ").append(t.dtype().dlmName()).append(')').toString();
        }
        StringBuilder sb = new StringBuilder("tensor(");
        nest(t, 0, 0, sb);
        return sb.append(", dtype = ").append(t.dtype().dlmName()).append(')').toString();
    }

    /** Whether every element of an integer tensor is exactly a double. */
    private static boolean allDoubles(Tensor t) {
        for (int i = 0; i < t.size(); i++) if ((long) (double) t.getLong(i) != t.getLong(i) || t.getLong(i) == Long.MAX_VALUE) return false;
        return true;
    }

    private static boolean allEqual(Tensor t) {
        for (int i = 1; i < t.size(); i++) if (Double.compare(t.getDouble(i), t.getDouble(0)) != 0) return false;
        return true;
    }

    private static int nest(Tensor t, int axis, int offset, StringBuilder sb) {
        if (axis == t.rank()) {
            sb.append(element(t, offset));
            return offset + 1;
        }
        sb.append('[');
        for (int i = 0; i < t.dim(axis); i++) {
            if (i > 0) sb.append(", ");
            offset = nest(t, axis + 1, offset, sb);
        }
        sb.append(']');
        return offset;
    }

    /** One element, exactly: floats by their shortest round-trip text in their own width. */
    static String element(Tensor t, int i) {
        DType d = t.dtype();
        double v = t.getDouble(i);
        if (d == DType.BOOL) return v != 0 ? "1" : "0";
        if (!d.isFloating()) return t.getLong(i) == Long.MIN_VALUE ? "(-4611686018427387904 * 2)" : Long.toString(t.getLong(i));
        if (Double.isNaN(v)) return "(0.0 / 0.0)";
        if (Double.isInfinite(v)) return v > 0 ? "(1.0 / 0.0)" : "(-1.0 / 0.0)";
        String s = d == DType.F64 ? Double.toString(v) : Float.toString((float) v);
        return s.replace("E", "e");
    }
}
