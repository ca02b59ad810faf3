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
 * {@code conv2dBackpropFilter(x, dy)}: the cotangent of {@link Conv2dOp}'s kernel, for an input
 * {@code x: [N, H, W, C]} and an output gradient {@code dy: [N, OH, OW, F]}, giving
 * {@code [KH, KW, C, F]}:
 * {@code dk[ky, kx, c, f] = Σ_{n, oy, ox} x[n, oy·sh − top + ky·dh, ox·sw − left + kx·dw, c] · dy[n, oy, ox, f]}
 * over the taps that read a real (not padded) cell. Attrs: the convolution's and
 * {@code kernelSize} = {KH, KW}.
 *
 * <p>Linear in both operands: {@code ⟨G, dk(x, dy)⟩ = ⟨dy, conv2d(x, G)⟩}, so its VJP is
 * {@code dx = conv2dBackpropInput(dy, G)} and {@code d dy = conv2d(x, G)}.
 */
final class Conv2dBackpropFilterOp implements KernelOp {

    @Override
    public String name() { return "conv2dBackpropFilter"; }

    @Override
    public OpKind kind() { return OpKind.OPAQUE; }

    /** The runtime kernel; its f32 form accumulates in float, so it matches eval to rounding, not bit for bit. */
    @Override
    public KernelCall kernel(Node node, List<int[]> in, int[] out) {
        // x [n, h, w, c], dy [n, oh, ow, f] → dk [kh, kw, c, f].
        return Window2d.call(Conv.class, "conv2dBackpropFilter", List.of(KernelCall.input(0), KernelCall.input(1), KernelCall.output()),
                Window2d.convGeometry(in.get(0), out[0], out[1], out[3], in.get(1), node.attrs())).withFlops(Window2d.convFlops(in.get(1), out));
    }

    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        TypeRules.arity(name(), inputs, 2);
        TensorType x = inputs.get(0), dy = inputs.get(1);
        int[] size = Window2d.pair(name(), attrs, "kernelSize");
        Window2d.rank4(name(), "output gradient", dy, Window2d.NHWC);
        Window2d.rank4(name(), "input", x, Window2d.NHWC);
        Window2d.known(name(), "output gradient", dy, 3, "filters");
        TensorType k = x.withShape(Shape.of(Dim.of(size[0]), Dim.of(size[1]), x.shape().dim(3), dy.shape().dim(3)));
        Window2d g = Conv2dOp.geometry(name(), x, k, attrs);
        Window2d.sameDType(name(), x, dy);
        Conv2dBackpropInputOp.requireOutput(name(), dy, x.shape().dim(0), g, dy.shape().dim(3));
        return k;
    }

    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        TensorType type = infer(TypeRules.typesOf(inputs), attrs);
        Tensor x = inputs.get(0), dy = inputs.get(1);
        Window2d g = Conv2dOp.geometry(name(), TypeRules.typeOf(x), type, attrs);
        int n = x.dim(0), c = x.dim(3), f = dy.dim(3), oh = g.oh(), ow = g.ow();
        double[] xs = x.toDoubles(), dys = dy.toDoubles();
        double[] dk = new double[g.kh() * g.kw() * c * f];
        // Each tap (ky, kx) owns its slice of dk, so taps may run in parallel; each element sums
        // over n, oy, ox in that order.
        ParallelLoops.Range taps = (from, to) -> {
            for (int t = from; t < to; t++) {
                int ky = t / g.kw(), kx = t % g.kw(), kb = t * c * f;
                for (int b = 0; b < n; b++)
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = g.row(oy, ky);
                        if (iy < 0 || iy >= g.h()) continue;
                        for (int ox = 0; ox < ow; ox++) {
                            int ix = g.col(ox, kx);
                            if (ix < 0 || ix >= g.w()) continue;
                            int xb = ((b * g.h() + iy) * g.w() + ix) * c, y = ((b * oh + oy) * ow + ox) * f;
                            for (int ci = 0; ci < c; ci++) {
                                double xv = xs[xb + ci];
                                for (int fo = 0; fo < f; fo++) dk[kb + ci * f + fo] += xv * dys[y + fo];
                            }
                        }
                    }
            }
        };
        if ((long) dys.length * g.kh() * g.kw() * c > 1 << 16) ParallelLoops.split(g.kh() * g.kw(), taps);
        else taps.run(0, g.kh() * g.kw());
        return Conv2dOp.fill(type, dk);
    }

    @Override
    public List<Node> vjp(Node node, Node gr, GradBuilder d) {
        Node x = node.input(0), dy = node.input(1);
        Attrs a = Window2d.convAttrs(node.attrs());
        return d.perInput(
                () -> d.op("conv2dBackpropInput", a.with("inputSize", Conv2dOp.inputSize(x)), dy, gr),
                () -> d.op("conv2d", a, x, gr));
    }
}
