package dlm.compiler.ops;

import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.exec.ImageTransform;
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
 * <p>No VJP: the augmentation layers built on it are applied to a model's inputs, as in Keras;
 * a gradient that would have to pass through it is a located "cannot differentiate" error.
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
        TensorType x = inputs.get(0), t = inputs.get(1), f = inputs.get(2);
        Window2d.rank4(name(), "images", x, Window2d.NHWC);
        if (x.dtype() != DType.F32 && x.dtype() != DType.F64)
            throw new ShapeException(name() + " needs f32 or f64 images, got " + x);
        TypeRules.sameDType(x, t);
        TypeRules.sameDType(x, f);
        if (t.rank() != 2 || !t.shape().dim(1).equals(Dim.of(8)))
            throw new ShapeException(name() + ": transforms must be [batch, 8] or [1, 8], got " + t);
        Dim tn = t.shape().dim(0);
        if (!tn.equals(Dim.of(1)) && !tn.equals(x.shape().dim(0)))
            throw new ShapeException(name() + ": transforms " + t + " must have one row per image of " + x + ", or one row");
        if (f.rank() != 0) throw new ShapeException(name() + ": fillValue must be a scalar, got " + f);
        int interp = attrs.getInt("interpolation"), mode = attrs.getInt("fillMode");
        if (interp != ImageTransform.NEAREST && interp != ImageTransform.BILINEAR)
            throw new ShapeException(name() + ": unknown interpolation code " + interp);
        if (mode < ImageTransform.REFLECT || mode > ImageTransform.FILL_NEAREST)
            throw new ShapeException(name() + ": unknown fill mode code " + mode);
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
}
