package dlm.compiler.ops;

import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.runtime.Tensor;
import dlm.runtime.exec.ConvPool;
import java.util.List;

/**
 * {@code conv2dMaxPoolBackpropFilter(x, codes, dy)}: the cotangents of the kernel and the bias of
 * {@link Conv2dMaxPoolOp}'s pooled values, from its winner codes ({@code [N, PH, PW, F]}, the [1]
 * half of its result) and the pooled values' cotangent {@code dy} ({@code [N, PH, PW, F]}), giving
 * {@code [KH·KW·C + 1, F]}: rows {@code (ky·KW + kx)·C + c} (the kernel's, HWIO order)
 * {@code = Σ over windows with code ≥ 0 of x[n, winner's row·sh − top + ky·dh, winner's column·sw − left + kx·dw, c] · dy[n, py, px, f]}
 * (taps on padded cells give nothing), and a last row {@code = Σ over windows with code ≥ 0 of dy} (the
 * bias's) — what {@code conv2dBackpropFilter(x, g)} and {@code sum(g, [0, 1, 2])} compute from
 * {@code g = maxPool2dBackprop(...)}, without the convolution's output or g. Attrs:
 * {@link Conv2dMaxPoolOp}'s and {@code kernelSize}.
 *
 * <p>Made only by {@link dlm.compiler.passes.ConvMaxPoolFusion}; not differentiable; f32 only.
 */
final class Conv2dMaxPoolBackpropFilterOp implements KernelOp {

    @Override
    public String name() { return "conv2dMaxPoolBackpropFilter"; }

    @Override
    public OpKind kind() { return OpKind.OPAQUE; }

    /** The runtime kernel (f32); it matches eval to rounding. */
    @Override
    public KernelCall kernel(Node node, List<int[]> in, int[] out) {
        int[] x = in.get(0), pooled = in.get(2), size = node.attrs().getInts("kernelSize");
        Window2d g = Conv2dOp.geometry(name(), node.input(0).type(), kernelType(node.input(0).type(), size, pooled[3]), node.attrs());
        int[] conv = {x[0], g.oh(), g.ow(), pooled[3]};
        return Window2d.call(ConvPool.class, "conv2dMaxPoolBackpropFilter",
                        List.of(KernelCall.input(0), KernelCall.input(1), KernelCall.input(2), KernelCall.output()),
                        ConvPoolAttrs.geometry(x, size[0], size[1], pooled[3], conv, pooled, node.attrs()))
                .withFlops(2L * pooled[0] * pooled[1] * pooled[2] * pooled[3] * size[0] * size[1] * x[3]);
    }

    /** The kernel's type: kernelSize × x's channels × f. */
    private static TensorType kernelType(TensorType x, int[] size, int f) {
        return x.withShape(Shape.of(Dim.of(size[0]), Dim.of(size[1]), x.shape().dim(3), Dim.of(f)));
    }

    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        TypeRules.arity(name(), inputs, 3);
        ConvPoolAttrs.requireF32(name(), inputs);
        TensorType x = inputs.get(0), codes = inputs.get(1), dy = inputs.get(2);
        int[] size = Window2d.pair(name(), attrs, "kernelSize");
        Window2d.rank4(name(), "input", x, Window2d.NHWC);
        Window2d.rank4(name(), "output gradient", dy, Window2d.NHWC);
        int f = Window2d.known(name(), "output gradient", dy, 3, "filters");
        TensorType k = kernelType(x, size, f);
        TensorType conv = OpRegistry.get("conv2d").infer(List.of(x, k), Window2d.convAttrs(attrs));
        TensorType pooled = OpRegistry.get("maxPool2d").infer(List.of(conv), ConvPoolAttrs.pool(attrs));
        if (!dy.equals(pooled)) throw new ShapeException(name() + ": the output gradient must be " + pooled + ", got " + dy);
        if (!codes.equals(pooled)) throw new ShapeException(name() + ": the winner codes must be " + pooled + ", got " + codes);
        int c = Window2d.known(name(), "input", x, 3, "channels");
        return x.withShape(Shape.of(Dim.of(size[0] * size[1] * c + 1), Dim.of(f)));
    }

    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        TensorType type = infer(TypeRules.typesOf(inputs), attrs);
        Tensor x = inputs.get(0);
        int[] size = attrs.getInts("kernelSize");
        int n = x.dim(0), c = x.dim(3), f = type.shape().dim(1).size();
        Window2d cg = Conv2dOp.geometry(name(), TypeRules.typeOf(x), kernelType(TypeRules.typeOf(x), size, f), attrs);
        Window2d pg = Window2d.of(name(), "pool", cg.oh(), cg.ow(), attrs.getInts("pool")[0], attrs.getInts("pool")[1], ConvPoolAttrs.pool(attrs), false, true);
        double[] xs = x.toDoubles(), codes = inputs.get(1).toDoubles(), dys = inputs.get(2).toDoubles();
        int taps = size[0] * size[1] * c;
        double[] dk = new double[(taps + 1) * f];
        for (int b = 0, i = 0; b < n; b++)
            for (int py = 0; py < pg.oh(); py++)
                for (int px = 0; px < pg.ow(); px++) {
                    int[] win = ConvPoolAttrs.cells(pg, py, px);
                    for (int fo = 0; fo < f; fo++, i++) {
                        int code = (int) codes[i];
                        if (code < 0) continue;
                        dk[taps * f + fo] += dys[i];
                        int oy = win[0] + code / win[2], ox = win[1] + code % win[2];
                        for (int ky = 0; ky < cg.kh(); ky++) {
                            int iy = cg.row(oy, ky);
                            if (iy < 0 || iy >= cg.h()) continue;
                            for (int kx = 0; kx < cg.kw(); kx++) {
                                int ix = cg.col(ox, kx);
                                if (ix < 0 || ix >= cg.w()) continue;
                                for (int ci = 0; ci < c; ci++)
                                    dk[((ky * cg.kw() + kx) * c + ci) * f + fo] += xs[((b * cg.h() + iy) * cg.w() + ix) * c + ci] * dys[i];
                            }
                        }
                    }
                }
        return Conv2dOp.fill(type, dk);
    }
}
