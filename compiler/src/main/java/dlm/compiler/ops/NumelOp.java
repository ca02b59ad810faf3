package dlm.compiler.ops;

import dlm.compiler.autodiff.GradBuilder;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.List;

/**
 * {@code numel(x)}: the number of elements of x over attr {@code axes} (int[], normalized; absent =
 * all axes), as a scalar of attr {@code dtype}. Only x's shape is read, never its values, so it is
 * how a graph refers to a symbolic size such as {@code batch} (the VJP of a mean over the batch
 * divides by it). Its derivative is zero: x's values do not change the count.
 */
final class NumelOp implements Op {
    @Override
    public String name() { return "numel"; }

    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        TypeRules.arity("numel", inputs, 1);
        TensorType x = inputs.get(0);
        if (attrs.has("axes")) ReduceAxes.of(x, attrs.getInts("axes"));
        DType d = attrs.getDType("dtype");
        if (d.isBool()) throw new ShapeException("'numel' needs a numeric result dtype, got " + d);
        return TensorType.scalar(d);
    }

    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        TensorType type = infer(TypeRules.typesOf(inputs), attrs);
        Tensor x = inputs.get(0);
        long n = 1;
        if (attrs.has("axes")) for (int a : attrs.getInts("axes")) n *= x.dim(a);
        else n = x.size();
        Tensor out = Tensor.zeros(type.dtype());
        out.setLong(0, n);
        return out;
    }

    @Override
    public List<Node> vjp(Node node, Node cotangent, GradBuilder b) {
        return b.perInput(() -> null);
    }

    /** A count of elements depends on the shape only, never on a row's values. */
    @Override
    public int rowAxis(Node node, int[] in) { return RowAxes.NONE; }
}
