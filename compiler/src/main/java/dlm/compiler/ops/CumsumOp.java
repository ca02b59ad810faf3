package dlm.compiler.ops;

import dlm.compiler.autodiff.GradBuilder;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.TensorType;
import dlm.runtime.Tensor;
import dlm.runtime.exec.Scans;
import java.util.List;

/**
 * {@code cumsum(x)}: the running sum along attr {@code axis} (normalized int), NumPy's
 * {@code cumsum}; with attr {@code reverse} (default false) the sums run from the end
 * ({@code y[k] = Σ_{j ≥ k} x[j]}). The result dtype is sum's (bool and u8 count in i32). Each
 * element is the running double sum rounded once (floats) or the exact long sum wrapped (integers).
 * Its VJP is the cumsum of the cotangent in the other direction.
 */
final class CumsumOp implements KernelOp {

    @Override
    public String name() { return "cumsum"; }

    @Override
    public OpKind kind() { return OpKind.OPAQUE; }

    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        TypeRules.arity(name(), inputs, 1);
        TensorType x = inputs.get(0);
        ReduceAxes.checkAxis(x, attrs.getInt("axis"));
        return x.withDType(ReductionOps.sumDType(x.dtype()));
    }

    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        TensorType type = infer(TypeRules.typesOf(inputs), attrs);
        Tensor x = inputs.get(0);
        AxisBlock b = AxisBlock.around(x.shape(), attrs.getInt("axis"));
        boolean reverse = attrs.getBool("reverse", false);
        Tensor out = Tensor.zeros(type.dtype(), x.shape());
        boolean exact = TypeRules.exact(type.dtype());
        for (int o = 0; o < b.outer(); o++)
            for (int i = 0; i < b.inner(); i++) {
                long ls = 0;
                double ds = 0;
                for (int j = 0; j < b.n(); j++) {
                    int at = (o * b.n() + (reverse ? b.n() - 1 - j : j)) * b.inner() + i;
                    if (exact) out.setLong(at, ls += x.getLong(at));
                    else out.setDouble(at, ds += x.getDouble(at));
                }
            }
        return out;
    }

    @Override
    public List<Node> vjp(Node node, Node g, GradBuilder d) {
        return d.perInput(() -> d.op("cumsum", Attrs.of("axis", node.attrs().getInt("axis"), "reverse", !node.attrs().getBool("reverse", false)), g));
    }

    @Override
    public KernelCall kernel(Node node, List<int[]> inputShapes, int[] outputShape) {
        AxisBlock b = AxisBlock.around(outputShape, node.attrs().getInt("axis"));
        return KernelCall.of(Scans.class, "cumsum", KernelCall.input(0), KernelCall.output(),
                KernelCall.constant(b.outer()), KernelCall.constant(b.n()), KernelCall.constant(b.inner()),
                KernelCall.constant(node.attrs().getBool("reverse", false)));
    }

    @Override
    public int rowAxis(Node node, int[] in) { return RowAxes.alongAxis(in, node.attrs().getInt("axis")); }
}
