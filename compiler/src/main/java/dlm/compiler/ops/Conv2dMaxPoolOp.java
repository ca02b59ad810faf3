package dlm.compiler.ops;

import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.runtime.Tensor;
import dlm.runtime.exec.ConvPool;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code conv2dMaxPool(x, k[, b])}: a convolution (with its bias and, with attr {@code relu}, relu)
 * and the max pooling of its output, fused, giving {@code [2, N, PH, PW, F]}: at [0] the pooled
 * values {@code maxPool2d(act(conv2d(x, k) + b))}, at [1] each window's winner code per channel —
 * the index of the cell that won (the tie rule of {@link MaxPool2dOp}) among the window's real cells
 * in row-major order, or −1 when relu's mask sends the window no gradient (its maximum is not above
 * 0). {@link Conv2dMaxPoolBackpropFilterOp} reads the codes, so the convolution's output is never
 * stored. (Two results in one value: the IR's nodes have one output; slices of the leading axis
 * are views, free.)
 *
 * <p>Made only by {@link dlm.compiler.passes.ConvMaxPoolFusion} before code generation, after
 * differentiation: not differentiable itself. Attrs: the convolution's ({@code strides},
 * {@code dilation}, {@code padding}, {@code relu}) and the pooling's ({@code pool},
 * {@code poolStrides}, {@code poolPadding}; see {@link ConvPoolAttrs}). f32 only (its runtime kernel's).
 */
final class Conv2dMaxPoolOp implements KernelOp {

    @Override
    public String name() { return "conv2dMaxPool"; }

    @Override
    public OpKind kind() { return OpKind.OPAQUE; }

    /** The runtime kernel (f32); its values are the unfused kernels' bits, the interpreter's to rounding. */
    @Override
    public KernelCall kernel(Node node, List<int[]> in, int[] out) {
        int[] k = in.get(1);
        int[] pooled = {out[1], out[2], out[3], out[4]};
        Window2d cg = Conv2dOp.geometry(name(), node.input(0).type(), node.input(1).type(), node.attrs());
        int[] convShape = {in.get(0)[0], cg.oh(), cg.ow(), k[3]};
        KernelCall.Arg bias = node.inputs().size() == 3 ? KernelCall.input(2) : KernelCall.absent(node.type().dtype());
        return Window2d.call(ConvPool.class, "conv2dMaxPool", List.of(KernelCall.input(0), KernelCall.input(1), bias,
                        KernelCall.constant(node.attrs().getBool("relu", false)), KernelCall.output()),
                ConvPoolAttrs.geometry(in.get(0), k[0], k[1], k[3], convShape, pooled, node.attrs()))
                .withFlops(Window2d.convFlops(convShape, k));
    }

    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        ConvPoolAttrs.requireF32(name(), inputs);
        TensorType conv = OpRegistry.get("conv2d").infer(inputs, Window2d.convAttrs(attrs));
        TensorType pooled = OpRegistry.get("maxPool2d").infer(List.of(conv), ConvPoolAttrs.pool(attrs));
        List<Dim> dims = new ArrayList<>();
        dims.add(Dim.of(2));
        dims.addAll(pooled.shape().dims());
        return pooled.withShape(new Shape(dims));
    }

    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        TensorType type = infer(TypeRules.typesOf(inputs), attrs);
        boolean relu = attrs.getBool("relu", false);
        Tensor conv = OpRegistry.get("conv2d").eval(inputs, Window2d.convAttrs(attrs).with("relu", relu));
        Window2d g = MaxPool2dOp.geometry(name(), TypeRules.typeOf(conv), ConvPoolAttrs.pool(attrs));
        double[] cs = conv.toDoubles();
        int[] s = type.shape().sizes(); // [2, n, ph, pw, f]
        int m = s[1] * s[2] * s[3] * s[4];
        double[] out = new double[2 * m];
        for (int b = 0, i = 0; b < s[1]; b++)
            for (int oy = 0; oy < s[2]; oy++)
                for (int ox = 0; ox < s[3]; ox++)
                    for (int ci = 0; ci < s[4]; ci++, i++) {
                        int at = MaxPool2dOp.argmax(cs, g, s[4], b, oy, ox, ci);
                        out[i] = cs[at]; // maxPool2d's value
                        out[m + i] = ConvPoolAttrs.code(cs, g, s[4], at, oy, ox, relu);
                    }
        return Conv2dOp.fill(type, out);
    }

    @Override
    public int rowAxis(Node node, int[] in) {
        int r = RowAxes.batchFirst(in);
        return r == 0 ? 1 : r; // the batch is axis 1 of the result
    }
}
