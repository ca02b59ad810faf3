package dlm.compiler.ops;

import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.exec.Sorting;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code argsort(x)}: along attr {@code axis} (normalized int), the i32 positions that sort each
 * row, ascending or, with attr {@code descending}, descending. The sort is stable (equal elements
 * keep their order, so ties go to the lower index) and NaN counts as larger than every number: it
 * comes last ascending (NumPy) and first descending (PyTorch). {@code -0.0} and {@code 0.0} are
 * equal. No derivative: the result is integer (sort's gradient flows through
 * {@code takeAlongAxis}).
 */
final class ArgsortOp implements KernelOp {

    @Override
    public String name() { return "argsort"; }

    @Override
    public OpKind kind() { return OpKind.OPAQUE; }

    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        TypeRules.arity(name(), inputs, 1);
        TensorType x = inputs.get(0);
        ReduceAxes.checkAxis(x, attrs.getInt("axis"));
        return x.withDType(DType.I32);
    }

    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        infer(TypeRules.typesOf(inputs), attrs);
        Tensor x = inputs.get(0);
        AxisBlock b = AxisBlock.around(x.shape(), attrs.getInt("axis"));
        boolean descending = attrs.getBool("descending", false);
        Tensor out = Tensor.zeros(DType.I32, x.shape());
        for (int o = 0; o < b.outer(); o++)
            for (int i = 0; i < b.inner(); i++) {
                int base = o * b.n() * b.inner() + i;
                List<Integer> order = new ArrayList<>();
                for (int k = 0; k < b.n(); k++) order.add(k);
                Comparator<Integer> byValue = (p, q) -> compare(x, base + p * b.inner(), base + q * b.inner());
                order.sort(descending ? byValue.reversed() : byValue); // List.sort is stable
                for (int k = 0; k < b.n(); k++) out.setLong(base + k * b.inner(), order.get(k));
            }
        return out;
    }

    /** Ascending order with NaN largest; integers exactly. */
    private static int compare(Tensor x, int p, int q) {
        if (TypeRules.exact(x.dtype())) return Long.compare(x.getLong(p), x.getLong(q));
        double a = x.getDouble(p), c = x.getDouble(q);
        if (Double.isNaN(a) || Double.isNaN(c)) return Boolean.compare(Double.isNaN(a), Double.isNaN(c));
        return a < c ? -1 : a > c ? 1 : 0;
    }

    @Override
    public KernelCall kernel(Node node, List<int[]> inputShapes, int[] outputShape) {
        AxisBlock b = AxisBlock.around(outputShape, node.attrs().getInt("axis"));
        DType keys = node.input(0).type().dtype() == DType.I64 ? DType.I64 : DType.F64;
        return KernelCall.of(Sorting.class, "argsort", KernelCall.input(0), KernelCall.output(),
                KernelCall.constant(b.outer()), KernelCall.constant(b.n()), KernelCall.constant(b.inner()),
                KernelCall.constant(node.attrs().getBool("descending", false)),
                KernelCall.scratch(keys, b.n()), KernelCall.scratch(DType.I32, 2 * b.n()));
    }

    @Override
    public int rowAxis(Node node, int[] in) { return RowAxes.alongAxis(in, node.attrs().getInt("axis")); }
}
