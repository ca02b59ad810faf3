package dlm.compiler.ops;

import dlm.compiler.autodiff.GradBuilder;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.List;

/**
 * {@code cast} to attr {@code dtype} (the {@code .toF32()} family). Any dtype converts to any:
 * floats to integers truncate toward zero and then wrap like a Java cast from long (u8 mod 256),
 * integers to integers wrap exactly, anything to bool is {@code != 0} (NaN is true), bool is 0/1.
 * A cast between floating dtypes is linear: its cotangent is cast back. Casts to or from integer
 * and bool dtypes carry no gradient.
 */
final class CastOp implements ElementwiseOp {
    @Override
    public OpKind kind() { return OpKind.ELEMENTWISE; }

    @Override
    public String name() { return "cast"; }

    @Override
    public void emit(ScalarCode c, DType out, DType[] in, Attrs attrs) { ScalarEmitters.CAST.emit(c, out, in, attrs); }

    @Override
    public int arity() { return 1; }


    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        TypeRules.arity("cast", inputs, 1);
        return inputs.get(0).withDType(attrs.getDType("dtype"));
    }

    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        infer(TypeRules.typesOf(inputs), attrs);
        DType to = attrs.getDType("dtype");
        Tensor x = inputs.get(0);
        Tensor out = Tensor.zeros(to, x.shape());
        // Integer-to-integer goes through long so that i64 values beyond 2^53 survive; everything
        // else goes through double, which holds every float and every integer up to 2^53.
        boolean exact = TypeRules.exact(x.dtype()) && TypeRules.exact(to);
        for (int i = 0; i < out.size(); i++) {
            if (exact) out.setLong(i, x.getLong(i));
            else out.setDouble(i, x.getDouble(i));
        }
        return out;
    }

    @Override
    public List<Node> vjp(Node node, Node g, GradBuilder d) {
        DType from = node.input(0).type().dtype();
        return d.perInput(() -> from.isFloating() && node.type().dtype().isFloating() ? d.cast(g, from) : null);
    }
}
