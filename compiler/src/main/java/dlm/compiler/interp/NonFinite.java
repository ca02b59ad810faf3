package dlm.compiler.interp;

import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where NaN and infinity first appear in an evaluated graph, and why — the interpreter's
 * counterpart of NumPy's {@code RuntimeWarning: divide by zero encountered in divide}. A node is a
 * <em>source</em> when its value holds a non-finite element while every input is finite: that is
 * the op that made the NaN or inf, not one that merely passed it on.
 */
public final class NonFinite {
    private NonFinite() {}

    /** A node whose value became non-finite from finite inputs, with the reason. */
    public record Source(Node node, String message, List<Tensor> inputs, Tensor value) {}

    /** The index of the first NaN or ±inf element, or -1 (integer tensors are always finite). */
    public static int first(Tensor t) {
        if (t == null || !t.dtype().isFloating()) return -1;
        for (int i = 0; i < t.size(); i++) if (!Double.isFinite(t.getDouble(i))) return i;
        return -1;
    }

    public static boolean finite(Tensor t) { return first(t) < 0; }

    /** The sources in graph order, among the nodes {@code values} holds. */
    public static List<Source> sources(Graph g, Map<Node, Tensor> values) {
        List<Source> out = new ArrayList<>();
        for (Node n : g.nodes()) {
            Tensor v = values.get(n);
            if (v == null || n.inputs().isEmpty()) continue;
            int at = first(v);
            if (at < 0) continue;
            List<Tensor> ins = new ArrayList<>();
            boolean inputsFinite = true;
            for (Node i : n.inputs()) {
                Tensor iv = values.get(i);
                ins.add(iv);
                if (iv == null || !finite(iv)) inputsFinite = false;
            }
            if (inputsFinite) out.add(new Source(n, why(n.opName(), v.dtype(), ins, v.getDouble(at)), ins, v));
        }
        return out;
    }

    /** Why {@code op} gave {@code result} from finite inputs, in NumPy's terms. */
    public static String why(String op, DType dtype, List<Tensor> ins, double result) {
        String gives = " gives " + numpy(result);
        boolean hasZero = ins.size() == 2 && ins.get(1) != null && contains(ins.get(1), 0);
        switch (op) {
            case "div":
                if (hasZero) return (contains(ins.get(0), 0) && Double.isNaN(result) ? "division of zero by zero" : "division by zero") + gives;
                break;
            case "mod":
                if (hasZero) return "remainder of a division by zero" + gives;
                break;
            case "log":
                if (Double.isNaN(result)) return "log of a negative number" + gives;
                if (result < 0) return "log of zero" + gives;
                break;
            case "log1p":
                if (Double.isNaN(result)) return "log1p of a number below -1" + gives;
                if (result < 0) return "log1p of -1" + gives;
                break;
            case "sqrt":
                if (Double.isNaN(result)) return "sqrt of a negative number" + gives;
                break;
            case "pow":
                if (Double.isNaN(result)) return "a negative number to a fractional power" + gives;
                if (ins.size() == 2 && contains(ins.get(0), 0)) return "zero to a negative power" + gives;
                break;
            default:
                break;
        }
        if (Double.isInfinite(result))
            return "overflow in " + op + gives + (dtype == DType.F16 ? " (f16 holds at most 65504)" : dtype == DType.F32 ? " (f32 holds at most 3.4e38)" : "");
        return "invalid value in " + op + gives;
    }

    private static boolean contains(Tensor t, double v) {
        for (int i = 0; i < t.size(); i++) if (t.getDouble(i) == v) return true;
        return false;
    }

    /** NumPy's spelling of a non-finite value. */
    public static String numpy(double v) { return Double.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf"; }

    /** The range of a tensor's values, as {@code [min, max]} (with NaN and inf noted). */
    public static String range(Tensor t) {
        if (t.size() == 0) return "(empty)";
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        int nan = 0;
        for (int i = 0; i < t.size(); i++) {
            double v = t.getDouble(i);
            if (Double.isNaN(v)) { nan++; continue; }
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        String r = nan == t.size() ? "all nan" : "[" + num(lo) + ", " + num(hi) + "]";
        return nan > 0 && nan < t.size() ? r + " and " + nan + " nan" : r;
    }

    private static String num(double v) {
        if (!Double.isFinite(v)) return numpy(v);
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
