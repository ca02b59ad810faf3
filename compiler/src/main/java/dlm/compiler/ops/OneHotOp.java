package dlm.compiler.ops;

import dlm.compiler.ir.Node;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code oneHot(labels)}: integer labels (u8, i32, i64) of any shape to a tensor of shape
 * {@code labels.shape + [depth]} (attr {@code depth}, int) holding 1 at each label's index and 0
 * elsewhere, in attr {@code dtype} (f32 when absent). A label outside [0, depth) is a data error,
 * only visible at eval. Generated code computes each element from its label and its index along
 * the new axis (the code generator passes that index as a second operand).
 */
final class OneHotOp implements ElementwiseOp {
    @Override
    public OpKind kind() { return OpKind.INJECTIVE; }

    @Override
    public String name() { return "oneHot"; }

    @Override
    public void emit(ScalarCode c, DType out, DType[] in, Attrs attrs) { ScalarEmitters.ONE_HOT.emit(c, out, in, attrs); }

    @Override
    public int arity() { return 1; }


    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        TypeRules.arity("oneHot", inputs, 1);
        TensorType labels = inputs.get(0);
        if (!labels.dtype().isInteger()) throw new ShapeException("'oneHot' needs integer labels, got " + labels);
        int depth = attrs.getInt("depth");
        if (depth < 1) throw new ShapeException("oneHot: depth must be at least 1, got " + depth);
        List<Dim> dims = new ArrayList<>(labels.shape().dims());
        dims.add(Dim.of(depth));
        return new TensorType(outDType(attrs), new Shape(dims));
    }

    private static DType outDType(Attrs attrs) { return attrs.has("dtype") ? attrs.getDType("dtype") : DType.F32; }

    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        TensorType type = infer(TypeRules.typesOf(inputs), attrs);
        Tensor labels = inputs.get(0);
        int depth = attrs.getInt("depth");
        Tensor out = Tensor.zeros(type.dtype(), type.shape().sizes());
        for (int i = 0; i < labels.size(); i++) {
            long label = labels.getLong(i);
            if (label < 0 || label >= depth)
                throw new ShapeException("oneHot: label " + label + " is out of range for depth " + depth);
            out.setLong(i * depth + (int) label, 1);
        }
        return out;
    }

    /** The class axis is appended: rows stay where they are. */
    @Override
    public int rowAxis(Node node, int[] in) { return in[0]; }
}
