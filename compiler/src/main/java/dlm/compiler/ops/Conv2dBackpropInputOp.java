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
 * {@code conv2dBackpropInput(dy, k)}: the cotangent of {@link Conv2dOp}'s input — the transposed
 * convolution of {@code dy: [N, OH, OW, F]} with the kernel {@code k: [KH, KW, C, F]}, giving
 * {@code [N, H, W, C]}: each output-gradient element {@code dy[n, oy, ox, f]} adds
 * {@code dy · k[ky, kx, c, f]} to the input cell its tap {@code (ky, kx)} read; padded cells
 * receive nothing. Attrs: the convolution's ({@code strides}, {@code dilation}, {@code padding})
 * and {@code inputSize} = {H, W}, which the output shape alone does not determine when strides
 * skip rows.
 *
 * <p>It is linear in both operands, and its adjoints are convolutions again:
 * {@code ⟨G, dx(dy, k)⟩ = ⟨dy, conv2d(G, k)⟩}, so its VJP is {@code d dy = conv2d(G, k)} and
 * {@code dk = conv2dBackpropFilter(G, dy)}.
 */
final class Conv2dBackpropInputOp implements KernelOp {

    @Override
    public String name() { return "conv2dBackpropInput"; }

    @Override
    public OpKind kind() { return OpKind.OPAQUE; }

    /** The runtime kernel; its f32 form accumulates in float, so it matches eval to rounding, not bit for bit. */
    @Override
    public KernelCall kernel(Node node, List<int[]> in, int[] out) {
        // dy [n, oh, ow, f], k [kh, kw, c, f] → dx [n, h, w, c]; the scratch is the f32 kernel's workspace (its size is the kernel's to say).
        int[] dy = in.get(0), k = in.get(1);
        DType d = node.type().dtype();
        int work = d == DType.F32 ? Conv.conv2dBackpropInputWorkspace(out[0], out[1], out[2], out[3], k[0], k[1], k[3], dy[1], dy[2]) : 0;
        return Window2d.call(Conv.class, "conv2dBackpropInput", List.of(KernelCall.input(0), KernelCall.input(1), KernelCall.output(),
                KernelCall.scratch(d, work), KernelCall.constant(0)), Window2d.convGeometry(out, k[0], k[1], k[3], dy, node.attrs())).withFlops(Window2d.convFlops(dy, k));
    }

    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        TypeRules.arity(name(), inputs, 2);
        TensorType dy = inputs.get(0), k = inputs.get(1);
        int[] size = Window2d.pair(name(), attrs, "inputSize");
        Window2d.rank4(name(), "output gradient", dy, Window2d.NHWC);
        TensorType x = dy.withShape(Shape.of(dy.shape().dim(0), Dim.of(size[0]), Dim.of(size[1]), k.rank() == 4 ? k.shape().dim(2) : Dim.of(1)));
        Window2d g = Conv2dOp.geometry(name(), x, k, attrs);
        requireOutput(name(), dy, dy.shape().dim(0), g, k.shape().dim(3));
        return x;
    }

    /** The output gradient {@code dy} must have the convolution's output shape [N, OH, OW, F]. */
    static void requireOutput(String op, TensorType dy, Dim n, Window2d g, Dim f) {
        Shape want = Shape.of(n, Dim.of(g.oh()), Dim.of(g.ow()), f);
        if (!dy.shape().equals(want))
            throw new ShapeException(op + ": the output gradient " + dy + " does not have the shape " + want + " of the output of a "
                    + g.h() + "x" + g.w() + " input");
    }

    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        TensorType type = infer(TypeRules.typesOf(inputs), attrs);
        Tensor dy = inputs.get(0), k = inputs.get(1);
        Window2d g = Conv2dOp.geometry(name(), type, TypeRules.typeOf(k), attrs);
        int n = dy.dim(0), c = k.dim(2), f = k.dim(3), oh = g.oh(), ow = g.ow();
        double[] dys = dy.toDoubles(), ks = k.toDoubles();
        double[] dx = new double[n * g.h() * g.w() * c];
        // Images are independent (each writes only its own dx), so they may run in parallel.
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
                                    double acc = 0;
                                    for (int fo = 0; fo < f; fo++) acc += dys[y + fo] * ks[kb + ci * f + fo];
                                    dx[xb + ci] += acc;
                                }
                            }
                        }
                    }
        };
        if ((long) dys.length * g.kh() * g.kw() * c > 1 << 16) ParallelLoops.split(n, images);
        else images.run(0, n);
        return Conv2dOp.fill(type, dx);
    }

    @Override
    public List<Node> vjp(Node node, Node gr, GradBuilder d) {
        Node dy = node.input(0), k = node.input(1);
        Attrs a = Window2d.convAttrs(node.attrs());
        return d.perInput(
                () -> d.op("conv2d", a, gr, k),
                () -> d.op("conv2dBackpropFilter", a.with("kernelSize", Conv2dOp.kernelSize(k)), gr, dy));
    }
}
