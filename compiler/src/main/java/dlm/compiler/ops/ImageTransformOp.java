package dlm.compiler.ops;

import dlm.compiler.autodiff.GradBuilder;
import dlm.compiler.autodiff.NotDifferentiableException;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.exec.ImageTransform;
import java.util.Arrays;
import java.util.List;

/**
 * {@code imageTransform(images, transforms, fillValue)}: TensorFlow's ImageProjectiveTransformV3,
 * which Keras 3's RandomTranslation, RandomRotation and RandomZoom call — each output pixel of an
 * NHWC image {@code [N, H, W, C]} read at its image's projective map of its (column, row), with
 * TensorFlow's fill modes and interpolations (see {@link ImageTransform} for the formulas).
 * {@code transforms} is {@code [N, 8]} (one map per image) or {@code [1, 8]} (one for all), and
 * {@code fillValue} a scalar; all three of one floating dtype, the result the images' type.
 * Attrs {@code interpolation} ({@link ImageTransform#NEAREST}, {@link ImageTransform#BILINEAR})
 * and {@code fillMode} ({@link ImageTransform#REFLECT}, {@code WRAP}, {@code CONSTANT},
 * {@code FILL_NEAREST}).
 *
 * <p>VJP: the images' cotangent is {@code imageTransformBackprop(G, transforms)}; the transforms
 * and fill value get none (the augmentation layers draw them at random).
 */
final class ImageTransformOp implements KernelOp {

    @Override
    public String name() { return "imageTransform"; }

    @Override
    public OpKind kind() { return OpKind.OPAQUE; }

    @Override
    public KernelCall kernel(Node node, List<int[]> in, int[] out) {
        int[] x = in.get(0);
        return KernelCall.of(ImageTransform.class, "imageTransform",
                KernelCall.input(0), KernelCall.input(1), KernelCall.input(2), KernelCall.output(),
                KernelCall.constant(x[0]), KernelCall.constant(x[1]), KernelCall.constant(x[2]), KernelCall.constant(x[3]),
                KernelCall.constant(in.get(1)[0]),
                KernelCall.constant(node.attrs().getInt("interpolation")), KernelCall.constant(node.attrs().getInt("fillMode")));
    }

    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        TypeRules.arity(name(), inputs, 3);
        return check(name(), inputs.get(0), inputs.get(1), inputs.get(2), attrs);
    }

    /** The checks of images (or their cotangent) x, transforms t and fill value f; the result's type, x's. */
    static TensorType check(String op, TensorType x, TensorType t, TensorType f, Attrs attrs) {
        Window2d.rank4(op, "images", x, Window2d.NHWC);
        if (x.dtype() != DType.F32 && x.dtype() != DType.F64)
            throw new ShapeException(op + " needs f32 or f64 images, got " + x);
        TypeRules.sameDType(x, t);
        TypeRules.sameDType(x, f);
        if (t.rank() != 2 || !t.shape().dim(1).equals(Dim.of(8)))
            throw new ShapeException(op + ": transforms must be [batch, 8] or [1, 8], got " + t);
        Dim tn = t.shape().dim(0);
        if (!tn.equals(Dim.of(1)) && !tn.equals(x.shape().dim(0)))
            throw new ShapeException(op + ": transforms " + t + " must have one row per image of " + x + ", or one row");
        if (f.rank() != 0) throw new ShapeException(op + ": fillValue must be a scalar, got " + f);
        int interp = attrs.getInt("interpolation"), mode = attrs.getInt("fillMode");
        if (interp != ImageTransform.NEAREST && interp != ImageTransform.BILINEAR)
            throw new ShapeException(op + ": unknown interpolation code " + interp);
        if (mode < ImageTransform.REFLECT || mode > ImageTransform.FILL_NEAREST)
            throw new ShapeException(op + ": unknown fill mode code " + mode);
        return x;
    }

    /**
     * Evaluation by the runtime kernel itself: the resampling's reference values are checked
     * against Keras's formulas, written independently, in ImageTransformTest.
     */
    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        TensorType type = infer(TypeRules.typesOf(inputs), attrs);
        Tensor x = inputs.get(0), t = inputs.get(1), f = inputs.get(2);
        int[] s = x.shape();
        Tensor y = Tensor.zeros(type.dtype(), s);
        int tn = t.shape()[0], interp = attrs.getInt("interpolation"), mode = attrs.getInt("fillMode");
        if (type.dtype() == DType.F32)
            ImageTransform.imageTransform(x.f32Storage(), 0, t.f32Storage(), 0, f.f32Storage(), 0, y.f32Storage(), 0, s[0], s[1], s[2], s[3], tn, interp, mode);
        else ImageTransform.imageTransform(x.f64Storage(), 0, t.f64Storage(), 0, f.f64Storage(), 0, y.f64Storage(), 0, s[0], s[1], s[2], s[3], tn, interp, mode);
        return y;
    }

    /**
     * Linear in the images: their cotangent is imageTransformBackprop(G, transforms). The map and
     * the fill value get none: a graph that needs one (a learned map) is a located error.
     */
    @Override
    public List<Node> vjp(Node node, Node gr, GradBuilder d) {
        if (d.needs(1) || d.needs(2)) throw new NotDifferentiableException(name());
        return Arrays.asList(d.op("imageTransformBackprop", node.attrs(), gr, node.input(1)), null, null);
    }
}
