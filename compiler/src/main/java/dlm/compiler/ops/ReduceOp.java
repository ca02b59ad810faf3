package dlm.compiler.ops;

import dlm.compiler.autodiff.GradBuilder;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A reduction over attr {@code axes} (int[], normalized; absent = all axes, empty = none) with
 * optional attr {@code keepdims}. Each entry gives its result dtype rule and how to fold a group
 * of input elements into one output element, and its VJP.
 */
final class ReduceOp implements Op {
    @Override
    public OpKind kind() { return OpKind.REDUCTION; }

    /** Folds the input elements at {@code members} into output element {@code o}. */
    interface Fold { void apply(Tensor in, int[] members, Tensor out, int o); }

    private final String name;
    private final boolean numericOnly;
    private final boolean needsElements;
    private final UnaryOperator<DType> resultDType;
    private final Fold fold;
    private final VjpRule vjp;

    /**
     * @param numericOnly   rejects bool inputs
     * @param needsElements the fold has no value on zero elements (max, min), so empty axes are errors
     */
    ReduceOp(String name, boolean numericOnly, boolean needsElements, UnaryOperator<DType> resultDType, Fold fold, VjpRule vjp) {
        this.name = name;
        this.numericOnly = numericOnly;
        this.needsElements = needsElements;
        this.resultDType = resultDType;
        this.fold = fold;
        this.vjp = vjp;
    }

    @Override
    public String name() { return name; }

    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        TypeRules.arity(name, inputs, 1);
        TensorType x = inputs.get(0);
        if (numericOnly) TypeRules.numericTensor(name, x);
        boolean[] mask = mask(x, attrs);
        if (needsElements) ReduceAxes.requireNonEmpty(name, x, mask);
        return new TensorType(resultDType.apply(x.dtype()), ReduceAxes.reduce(x.shape(), mask, attrs.getBool("keepdims", false)));
    }

    private static boolean[] mask(TensorType x, Attrs attrs) {
        return attrs.has("axes") ? ReduceAxes.of(x, attrs.getInts("axes")) : ReduceAxes.all(x.rank());
    }

    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        TensorType type = infer(TypeRules.typesOf(inputs), attrs);
        Tensor x = inputs.get(0);
        boolean[] mask = mask(TypeRules.typeOf(x), attrs);
        int[][] groups = ReduceAxes.groups(x.shape(), mask);
        Tensor out = Tensor.zeros(type.dtype(), ReduceAxes.keptSizes(x.shape(), mask));
        for (int o = 0; o < groups.length; o++) fold.apply(x, groups[o], out, o);
        return out.reshape(type.shape().sizes());
    }

    @Override
    public List<Node> vjp(Node node, Node cotangent, GradBuilder b) { return vjp.apply(node, cotangent, b); }

    /** Rows survive a reduction over other axes only. */
    @Override
    public int rowAxis(Node node, int[] in) {
        if (in[0] < 0) return in[0];
        boolean[] mask = mask(node.input(0).type(), node.attrs());
        if (mask[in[0]]) return RowAxes.MIXED;
        return node.attrs().getBool("keepdims", false) ? in[0] : RowAxes.shiftedBy(in[0], mask);
    }
}
