package dlm.compiler.ops;

import dlm.compiler.autodiff.GradBuilder;
import dlm.compiler.diag.DlmException;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.TensorType;
import dlm.runtime.Tensor;
import dlm.runtime.exec.Scans;
import java.util.List;

/**
 * {@code prod}: the reduction entry of {@link ReductionOps} (type rule, evaluation, VJP), compiled
 * as a call of {@link Scans#prod} over the reduced axes seen as one block. The surface
 * {@code prod} moves non-adjacent reduced axes next to each other first, so every prod the
 * checker builds has adjacent reduced axes.
 */
final class ProdOp implements KernelOp {
    private final ReduceOp rule;

    ProdOp(ReduceOp rule) { this.rule = rule; }

    @Override
    public String name() { return rule.name(); }

    @Override
    public OpKind kind() { return OpKind.REDUCTION; }

    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) { return rule.infer(inputs, attrs); }

    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) { return rule.eval(inputs, attrs); }

    @Override
    public List<Node> vjp(Node node, Node cotangent, GradBuilder b) { return rule.vjp(node, cotangent, b); }

    @Override
    public KernelCall kernel(Node node, List<int[]> inputShapes, int[] outputShape) {
        int[] x = inputShapes.get(0);
        boolean[] mask = GradBuilder.reducedAxes(node.attrs(), x.length);
        AxisBlock b = AxisBlock.aroundMask(x, mask);
        if (b == null) throw new DlmException(node.span(), "the code generator supports prod over adjacent axes only");
        return KernelCall.of(Scans.class, "prod", KernelCall.input(0), KernelCall.output(),
                KernelCall.constant(b.outer()), KernelCall.constant(b.n()), KernelCall.constant(b.inner()));
    }

    @Override
    public int rowAxis(Node node, int[] in) { return rule.rowAxis(node, in); }
}
