package dlm.compiler.ops;

import dlm.compiler.autodiff.GradBuilder;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.exec.Conv;
import dlm.runtime.kernels.ParallelLoops;
import java.util.List;

/**
 * {@code conv2d(x, k)}: the 2-D convolution (cross-correlation, as in every deep-learning
 * framework) of an NHWC input {@code x: [N, H, W, C]} with an HWIO kernel {@code k: [KH, KW, C, F]}
 * (Keras's layouts), giving {@code [N, OH, OW, F]}:
 * {@code y[n, oy, ox, f] = Σ_{ky, kx, c} x[n, oy·sh − top + ky·dh, ox·sw − left + kx·dw, c] · k[ky, kx, c, f]},
 * where taps on padded cells contribute nothing. Attrs {@code strides}, {@code dilation} and
 * {@code padding} as in {@link Window2d}. Floating dtypes; N may be symbolic, H, W, C and the
 * kernel must be known.
 *
 * <p>The fused forms {@code conv2d(x, k[, b])} with attr {@code relu} (made only by
 * {@link dlm.compiler.passes.ConvEpilogueFusion} before code generation) add a bias
 * {@code b: [F]} and, when {@code relu} is true, apply relu, all before the one rounding.
 *
 * <p>VJP: {@code dx = conv2dBackpropInput(g, k)}, {@code dk = conv2dBackpropFilter(x, g)} — ops of
 * their own, whose VJPs are again these three ops, so higher derivatives exist. The fused form
 * first masks g where the output is not positive (relu's rule, which reads the output), and gives
 * b the sum of that over the batch and spatial axes.
 */
final class Conv2dOp implements KernelOp {

    @Override
    public String name() { return "conv2d"; }

    @Override
    public OpKind kind() { return OpKind.OPAQUE; }

    /** The runtime kernel; its f32 form accumulates in float, so it matches eval to rounding, not bit for bit. */
    @Override
    public KernelCall kernel(Node node, List<int[]> in, int[] out) {
        // The bias and relu of the fused form go to the kernel's GEMM epilogue.
        DType d = node.type().dtype();
        KernelCall.Arg bias = node.inputs().size() == 3 ? KernelCall.input(2) : KernelCall.absent(d);
        return Window2d.call(Conv.class, "conv2d", List.of(KernelCall.input(0), KernelCall.input(1), bias, KernelCall.constant(node.attrs().getBool("relu", false)),
                KernelCall.output()), Window2d.convGeometry(in.get(0), in.get(1)[0], in.get(1)[1], in.get(1)[3], out, node.attrs()))
                .withFlops(Window2d.convFlops(out, in.get(1)));
    }

    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        if (inputs.size() != 2 && inputs.size() != 3)
            throw new ShapeException("'" + name() + "' takes 2 inputs (and a bias), got " + inputs.size());
        TensorType x = inputs.get(0), k = inputs.get(1);
        Window2d g = geometry(name(), x, k, attrs);
        if (inputs.size() == 3 && !inputs.get(2).equals(k.withShape(Shape.of(k.shape().dim(3)))))
            throw new ShapeException(name() + ": the bias must be " + k.withShape(Shape.of(k.shape().dim(3))) + ", one per filter, got " + inputs.get(2));
        return x.withShape(Shape.of(x.shape().dim(0), Dim.of(g.oh()), Dim.of(g.ow()), k.shape().dim(3)));
    }

    /**
     * The checks every convolution op makes of an input-shaped value {@code x} (the input, or the
     * input cotangent's shape) and the kernel {@code k}, and the geometry they give.
     */
    static Window2d geometry(String op, TensorType x, TensorType k, Attrs attrs) {
        Window2d.rank4(op, "input", x, Window2d.NHWC);
        Window2d.rank4(op, "kernel", k, Window2d.HWIO);
        Window2d.sameDType(op, x, k);
        int h = Window2d.known(op, "input", x, 1, "height"), w = Window2d.known(op, "input", x, 2, "width");
        int c = Window2d.known(op, "input", x, 3, "channels");
        int kh = Window2d.known(op, "kernel", k, 0, "height"), kw = Window2d.known(op, "kernel", k, 1, "width");
        int kc = Window2d.known(op, "kernel", k, 2, "in channels");
        Window2d.known(op, "kernel", k, 3, "filters");
        if (kc != c)
            throw new ShapeException(op + ": the input " + x + " has " + c + " channels but the kernel " + k + " expects " + kc);
        return Window2d.of(op, "kernel", h, w, kh, kw, attrs, true, false);
    }

    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        TensorType type = infer(TypeRules.typesOf(inputs), attrs);
        Tensor x = inputs.get(0), k = inputs.get(1);
        Window2d g = geometry(name(), TypeRules.typeOf(x), TypeRules.typeOf(k), attrs);
        int n = x.dim(0), c = x.dim(3), f = k.dim(3), oh = g.oh(), ow = g.ow();
        double[] xs = x.toDoubles(), ks = k.toDoubles();
        double[] bias = inputs.size() == 3 ? inputs.get(2).toDoubles() : null;
        boolean relu = attrs.getBool("relu", false);
        double[] out = new double[n * oh * ow * f];
        // Each image is independent, so images may run in parallel without changing any sum; within
        // an output element the taps are added in the order ky, kx, c.
        ParallelLoops.Range images = (from, to) -> {
            for (int b = from; b < to; b++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++) {
                        int y = ((b * oh + oy) * ow + ox) * f;
                        for (int ky = 0; ky < g.kh(); ky++) {
                            int iy = g.row(oy, ky);
                            if (iy < 0 || iy >= g.h()) continue;
                            for (int kx = 0; kx < g.kw(); kx++) {
                                int ix = g.col(ox, kx);
                                if (ix < 0 || ix >= g.w()) continue;
                                int xb = ((b * g.h() + iy) * g.w() + ix) * c, kb = (ky * g.kw() + kx) * c * f;
                                for (int ci = 0; ci < c; ci++) {
                                    double xv = xs[xb + ci];
                                    for (int fo = 0; fo < f; fo++) out[y + fo] += xv * ks[kb + ci * f + fo];
                                }
                            }
                        }
                    }
        };
        if ((long) out.length * g.kh() * g.kw() * c > 1 << 16) ParallelLoops.split(n, images);
        else images.run(0, n);
        if (bias != null)
            for (int i = 0; i < out.length; i++) out[i] += bias[i % f];
        if (relu)
            for (int i = 0; i < out.length; i++) out[i] = Math.max(out[i], 0); // NaN stays NaN
        return fill(type, out);
    }

    /** A tensor of {@code type} holding {@code values}, each rounded once to the dtype. */
    static Tensor fill(TensorType type, double[] values) {
        Tensor t = Tensor.zeros(type.dtype(), type.shape().sizes());
        for (int i = 0; i < values.length; i++) t.setDouble(i, values[i]);
        return t;
    }

    @Override
    public List<Node> vjp(Node node, Node g, GradBuilder d) {
        Node x = node.input(0), k = node.input(1);
        Attrs a = Window2d.convAttrs(node.attrs());
        Node gy = node.attrs().getBool("relu", false) ? d.maskWhere(d.greater(node, d.scalarLike(0, node)), g) : g;
        if (node.inputs().size() == 3)
            return d.perInput(
                    () -> d.op("conv2dBackpropInput", a.with("inputSize", inputSize(x)), gy, k),
                    () -> d.op("conv2dBackpropFilter", a.with("kernelSize", kernelSize(k)), x, gy),
                    () -> d.sum(gy, new int[] {0, 1, 2}, false));
        return d.perInput(
                () -> d.op("conv2dBackpropInput", a.with("inputSize", inputSize(x)), gy, k),
                () -> d.op("conv2dBackpropFilter", a.with("kernelSize", kernelSize(k)), x, gy));
    }

    /** The spatial sizes {H, W} of an NHWC value. */
    static int[] inputSize(Node x) { return new int[] {x.type().shape().dim(1).size(), x.type().shape().dim(2).size()}; }

    /** The spatial sizes {KH, KW} of an HWIO kernel. */
    static int[] kernelSize(Node k) { return new int[] {k.type().shape().dim(0).size(), k.type().shape().dim(1).size()}; }

    @Override
    public int rowAxis(Node node, int[] in) { return RowAxes.batchFirst(in); }
}
