package dlm.compiler.ops;

import dlm.compiler.ir.Node;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.List;

/**
 * {@code argmax} / {@code argmin}: the i32 index of the extreme element along attr {@code axis}
 * (normalized int), or, when it is absent, within the flattened tensor (a scalar, as in NumPy).
 * Optional attr {@code keepdims}. Ties give the first index; NaN counts as the extreme value, so
 * the first NaN wins, as in NumPy.
 */
final class ArgReduceOp implements Op {
    @Override
    public OpKind kind() { return OpKind.REDUCTION; }

    private final String name;
    private final boolean max;

    ArgReduceOp(String name, boolean max) {
        this.name = name;
        this.max = max;
    }

    @Override
    public String name() { return name; }

    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        TypeRules.arity(name, inputs, 1);
        TensorType x = inputs.get(0);
        boolean[] mask = mask(x, attrs);
        ReduceAxes.requireNonEmpty(name, x, mask);
        return new TensorType(DType.I32, ReduceAxes.reduce(x.shape(), mask, attrs.getBool("keepdims", false)));
    }

    private static boolean[] mask(TensorType x, Attrs attrs) {
        return attrs.has("axis") ? ReduceAxes.of(x, attrs.getInt("axis")) : ReduceAxes.all(x.rank());
    }

    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        TensorType type = infer(TypeRules.typesOf(inputs), attrs);
        Tensor x = inputs.get(0);
        int[][] groups = ReduceAxes.groups(x.shape(), mask(TypeRules.typeOf(x), attrs));
        Tensor out = Tensor.zeros(DType.I32, type.shape().sizes());
        for (int o = 0; o < groups.length; o++) {
            int[] g = groups[o];
            int best = 0;
            for (int k = 1; k < g.length; k++) if (beats(x, g[k], g[best])) best = k;
            out.setLong(o, best);
        }
        return out;
    }

    /** Whether element i strictly beats the current best b (strictly, so ties keep the first). */
    private boolean beats(Tensor x, int i, int b) {
        if (TypeRules.exact(x.dtype())) {
            long v = x.getLong(i), w = x.getLong(b);
            return max ? v > w : v < w;
        }
        double v = x.getDouble(i), w = x.getDouble(b);
        if (Double.isNaN(w)) return false;
        if (Double.isNaN(v)) return true;
        return max ? v > w : v < w;
    }

    /** Rows survive an arg-reduction along another axis only (no {@code axis}: every axis, rows mixed). */
    @Override
    public int rowAxis(Node node, int[] in) {
        if (in[0] < 0) return in[0];
        if (!node.attrs().has("axis") || node.attrs().getInt("axis") == in[0]) return RowAxes.MIXED;
        int axis = node.attrs().getInt("axis");
        return node.attrs().getBool("keepdims", false) || axis > in[0] ? in[0] : in[0] - 1;
    }
}
