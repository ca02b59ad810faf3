package dlm.compiler.ops;

import dlm.compiler.autodiff.GradBuilder;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.TensorType;
import dlm.runtime.Tensor;
import dlm.runtime.exec.Nn;
import java.util.List;

/**
 * {@code softmax} and {@code logSoftmax} along attr {@code axis} (normalized int; absent = the last
 * axis, as in Keras). Floating dtypes only; the result keeps the input type. Both subtract the
 * row maximum before exponentiating, so large logits ([1000, 1001]) neither overflow nor give NaN,
 * and logSoftmax is computed as {@code x - max - log(sum(exp(x - max)))}, never as log of a
 * softmax that may have underflowed to 0.
 *
 * <p>VJP, with y the result and sums along the axis: softmax {@code y·(g − Σ g·y)}; logSoftmax
 * {@code g − exp(y)·Σ g}. A scalar's softmax is constant (zero cotangent).
 *
 * <p>Compiled as a call of {@link Nn#softmax} over the rows (outer, n, inner) of the axis.
 */
final class SoftmaxOp implements KernelOp {
    private final String name;
    private final boolean log;

    SoftmaxOp(String name, boolean log) {
        this.name = name;
        this.log = log;
    }

    @Override
    public String name() { return name; }

    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        TypeRules.arity(name, inputs, 1);
        TensorType x = inputs.get(0);
        TypeRules.floating(name, x);
        if (attrs.has("axis")) ReduceAxes.checkAxis(x, attrs.getInt("axis"));
        return x;
    }

    @Override
    public OpKind kind() { return OpKind.OPAQUE; }

    @Override
    public KernelCall kernel(Node node, List<int[]> inputShapes, int[] shape) {
        int axis = node.attrs().getInt("axis", shape.length - 1);
        int outer = 1, n = 1, inner = 1;
        for (int a = 0; a < shape.length; a++) {
            if (a < axis) outer *= shape[a];
            else if (a == axis) n = shape[a];
            else inner *= shape[a];
        }
        return KernelCall.of(Nn.class, "softmax", KernelCall.input(0), KernelCall.output(),
                KernelCall.constant(outer), KernelCall.constant(n), KernelCall.constant(inner), KernelCall.constant(log));
    }

    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        infer(TypeRules.typesOf(inputs), attrs);
        Tensor x = inputs.get(0);
        int[] shape = x.shape();
        // A scalar is a single row of one element (softmax 1, logSoftmax 0).
        int axis = attrs.getInt("axis", shape.length - 1);
        int outer = 1, n = 1, inner = 1;
        for (int a = 0; a < shape.length; a++) {
            if (a < axis) outer *= shape[a];
            else if (a == axis) n = shape[a];
            else inner *= shape[a];
        }
        Tensor out = Tensor.zeros(x.dtype(), shape);
        // Element k of row (o, i) sits at flat index (o * n + k) * inner + i.
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < n; k++) max = Math.max(max, x.getDouble((o * n + k) * inner + i));
                double sum = 0;
                for (int k = 0; k < n; k++) sum += Math.exp(x.getDouble((o * n + k) * inner + i) - max);
                for (int k = 0; k < n; k++) {
                    int at = (o * n + k) * inner + i;
                    double shifted = x.getDouble(at) - max;
                    out.setDouble(at, log ? shifted - Math.log(sum) : Math.exp(shifted) / sum);
                }
            }
        }
        return out;
    }

    @Override
    public List<Node> vjp(Node node, Node g, GradBuilder d) {
        return d.perInput(() -> {
            int rank = node.type().rank();
            if (rank == 0) return null;
            int[] axis = {node.attrs().getInt("axis", rank - 1)};
            if (log) return d.sub(g, d.mul(d.exp(node), d.sum(g, axis, true)));
            return d.mul(node, d.sub(g, d.sum(d.mul(g, node), axis, true)));
        });
    }

    @Override
    public int rowAxis(Node node, int[] in) {
        return RowAxes.alongAxis(in, node.attrs().getInt("axis", node.input(0).type().rank() - 1));
    }
}
