package dlm.compiler.ops;

import dlm.compiler.autodiff.GradBuilder;
import dlm.compiler.autodiff.NotDifferentiableException;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.exec.ImageTransform;
import java.util.Arrays;
import java.util.List;

/**
 * {@code imageTransformBackprop(dy, transforms)}: the cotangent of {@link ImageTransformOp}'s
 * images — each output pixel's dy added to the input pixels it read, times their interpolation
 * weights (none for what the fill value supplied). Attrs: imageTransform's. Linear in dy, the
 * adjoint of imageTransform with a zero fill value, which is so its VJP.
 */
final class ImageTransformBackpropOp implements KernelOp {

    @Override
    public String name() { return "imageTransformBackprop"; }

    @Override
    public OpKind kind() { return OpKind.OPAQUE; }

    @Override
    public KernelCall kernel(Node node, List<int[]> in, int[] out) {
        return KernelCall.of(ImageTransform.class, "imageTransformBackprop",
                KernelCall.input(0), KernelCall.input(1), KernelCall.output(),
                KernelCall.constant(out[0]), KernelCall.constant(out[1]), KernelCall.constant(out[2]), KernelCall.constant(out[3]),
                KernelCall.constant(in.get(1)[0]),
                KernelCall.constant(node.attrs().getInt("interpolation")), KernelCall.constant(node.attrs().getInt("fillMode")));
    }

    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        TypeRules.arity(name(), inputs, 2);
        TensorType dy = inputs.get(0);
        return ImageTransformOp.check(name(), dy, inputs.get(1), TensorType.scalar(dy.dtype()), attrs);
    }

    /** Evaluation by the runtime kernel, as imageTransform's; checked against finite differences of it. */
    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        TensorType type = infer(TypeRules.typesOf(inputs), attrs);
        Tensor dy = inputs.get(0), t = inputs.get(1);
        int[] s = dy.shape();
        Tensor dx = Tensor.zeros(type.dtype(), s);
        int tn = t.shape()[0], interp = attrs.getInt("interpolation"), mode = attrs.getInt("fillMode");
        if (type.dtype() == DType.F32)
            ImageTransform.imageTransformBackprop(dy.f32Storage(), 0, t.f32Storage(), 0, dx.f32Storage(), 0, s[0], s[1], s[2], s[3], tn, interp, mode);
        else ImageTransform.imageTransformBackprop(dy.f64Storage(), 0, t.f64Storage(), 0, dx.f64Storage(), 0, s[0], s[1], s[2], s[3], tn, interp, mode);
        return dx;
    }

    @Override
    public List<Node> vjp(Node node, Node gr, GradBuilder d) {
        if (d.needs(1)) throw new NotDifferentiableException(name());
        Node zero = d.scalar(0, gr.type().dtype());
        return Arrays.asList(d.op("imageTransform", node.attrs(), gr, node.input(1), zero), null);
    }
}
