package dlm.compiler.ops;

import dlm.compiler.autodiff.GradBuilder;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.List;

/**
 * {@code where(cond, a, b)}: a's element where cond holds, else b's. All three broadcast together
 * (NumPy); a and b share a dtype, which may be any, including bool. Elements are copied, never
 * rounded. The cotangent goes to the branch each element was chosen from (the other gets 0
 * there), summed back over broadcast axes; the condition gets none.
 */
final class WhereOp implements ElementwiseOp {
    @Override
    public OpKind kind() { return OpKind.BROADCAST; }

    @Override
    public String name() { return "where"; }

    @Override
    public Spelling spelling() { return Spelling.call("where"); }

    @Override
    public void emit(ScalarCode c, DType out, DType[] in, Attrs attrs) { ScalarEmitters.SELECT.emit(c, out, in, attrs); }

    @Override
    public int arity() { return 3; }


    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        TypeRules.arity("where", inputs, 3);
        TensorType cond = inputs.get(0), a = inputs.get(1), b = inputs.get(2);
        if (!cond.dtype().isBool()) throw new ShapeException("'where' needs a bool condition, got " + cond);
        TypeRules.sameDType(a, b);
        return new TensorType(a.dtype(), Broadcast.shapes(inputs));
    }

    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        infer(TypeRules.typesOf(inputs), attrs);
        Tensor cond = inputs.get(0), a = inputs.get(1), b = inputs.get(2);
        int[] shape = Broadcast.sizes(inputs);
        int[] ic = Broadcast.sourceIndices(cond.shape(), shape);
        int[] ia = Broadcast.sourceIndices(a.shape(), shape);
        int[] ib = Broadcast.sourceIndices(b.shape(), shape);
        Tensor out = Tensor.zeros(a.dtype(), shape);
        for (int i = 0; i < out.size(); i++) {
            if (cond.getLong(ic[i]) != 0) TypeRules.copyElement(a, ia[i], out, i);
            else TypeRules.copyElement(b, ib[i], out, i);
        }
        return out;
    }

    @Override
    public List<Node> vjp(Node node, Node g, GradBuilder d) {
        Node cond = node.input(0), a = node.input(1), b = node.input(2);
        return d.perInput(GradBuilder.none(),
                () -> d.unbroadcast(d.maskWhere(cond, g), a),
                () -> d.unbroadcast(d.where(cond, d.scalarLike(0, g), g), b));
    }
}
