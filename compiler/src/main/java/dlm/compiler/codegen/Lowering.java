package dlm.compiler.codegen;

import dlm.compiler.codegen.Loop.LitVal;
import dlm.compiler.codegen.Loop.Red;
import dlm.compiler.codegen.Loop.StoreOp;
import dlm.compiler.codegen.Loop.Val;
import dlm.compiler.codegen.Planner.Info;
import dlm.compiler.codegen.Planner.Lit;
import dlm.compiler.diag.DlmException;
import dlm.compiler.ir.Node;
import dlm.compiler.ops.KernelCall;
import dlm.compiler.ops.KernelOp;
import dlm.compiler.ops.OpKind;
import dlm.compiler.ops.RandomOp;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Phase 1 of the {@link Planner}, node by node in graph order: inputs and params become external
 * arrays; single-element constants and {@code numel} literals, other constants arrays. Movement
 * ops that strides can express (reshape, expandDims, squeeze, transpose, broadcastTo, slice)
 * become {@link View}s of their input's array, with no code; pad, concat and tile are generated
 * copy loops. Matmul ({@link GemmLowering}) and kernel ops ({@link KernelLowering}) are kernel
 * calls; a node a {@link FusionRule} absorbs into a planned kernel gets no step of its own;
 * element-wise ops and reductions are grouped by {@link ElementwiseFusion}.
 */
final class Lowering {
    private final Planner p;
    private final ElementwiseFusion fusion;
    private final GemmLowering gemms;
    private final KernelLowering kernels;

    Lowering(Planner p) {
        this.p = p;
        this.fusion = new ElementwiseFusion(p);
        this.gemms = new GemmLowering(p);
        this.kernels = new KernelLowering(p);
    }

    void lower(Node n) {
        Info in = new Info(n, p.shapeOf(n));
        p.info.put(n, in);
        switch (n.opName()) {
            case "input", "param" -> {
                Value v = p.newValue(Value.Kind.EXTERNAL, in.dtype, View.numel(in.shape), n);
                p.externals.put(n, v);
                in.view = View.contiguous(v, in.shape);
            }
            case "constant" -> {
                Tensor t = n.attrs().getTensor("value");
                if (t.size() == 1) in.lit = Lit.of(t);
                else {
                    Value v = p.newValue(Value.Kind.CONSTANT, in.dtype, t.size(), n);
                    v.constant = t;
                    in.view = View.contiguous(v, in.shape);
                }
            }
            case "numel" -> {
                int[] xs = p.info(n.input(0)).shape;
                long count = 1;
                if (n.attrs().has("axes")) for (int a : n.attrs().getInts("axes")) count *= xs[a];
                else for (int d : xs) count *= d;
                in.lit = Lit.of(in.dtype, count);
            }
            case "reshape", "expandDims", "squeeze" -> view(in, v -> v.reshape(in.shape));
            case "transpose" -> view(in, v -> v.transpose(perm(n)));
            case "broadcastTo" -> view(in, v -> v.broadcastTo(in.shape));
            case "slice" -> view(in, v -> v.slice(n.attrs().getInts("axes"), n.attrs().getInts("starts"), n.attrs().getInts("steps"), in.shape));
            case "matmul" -> gemms.gemm(in);
            case "pad" -> pad(in);
            case "concat" -> concat(in);
            case "tile" -> tile(in);
            default -> {
                if (n.op() instanceof KernelOp k) {
                    kernels.kernel(in, k);
                    return;
                }
                if (n.op() instanceof RandomOp) { // a source of the fused loops (Loop.RandVal)
                    fusion.elementwise(in);
                    return;
                }
                if (n.op().kind() == OpKind.REDUCTION && Red.KINDS.contains(n.opName())) {
                    KernelCall leading = fusion.fusesIntoProducer(in) ? null : LeadingSum.call(p, in);
                    if (leading != null) kernels.call(in, leading);
                    else fusion.reduction(in);
                    return;
                }
                if (!ScalarOps.has(n.opName())) throw new DlmException(n.span(), "the code generator does not support op '" + n.opName() + "'");
                for (FusionRule r : FusionRule.ALL) {
                    if (r.absorb(p, in)) {
                        p.fired.merge(r, 1, Integer::sum);
                        return;
                    }
                }
                fusion.elementwise(in);
            }
        }
    }

    private int[] perm(Node n) {
        if (n.attrs().has("perm")) return n.attrs().getInts("perm");
        int r = n.type().rank();
        int[] perm = new int[r];
        for (int i = 0; i < r; i++) perm[i] = r - 1 - i;
        return perm;
    }

    private void view(Info in, java.util.function.Function<View, View> f) {
        Info x = p.info(in.node.input(0));
        if (x.lit != null) { // any movement of a uniform value is the same uniform value
            in.lit = x.lit;
            return;
        }
        View v = p.stored(x);
        View r = f.apply(v);
        if (r == null) r = f.apply(p.copy(v, in.node));
        in.view = r;
    }

    private void pad(Info in) {
        Node n = in.node;
        View x = p.operand(p.info(n.input(0)));
        Unit.Move mv = p.move(in, "pad");
        p.readBy(mv, x);
        View out = in.view;
        Loop fill = new Loop(in.shape);
        Val zero = fill.add(new LitVal(in.dtype, n, 0, 0.0));
        fill.stores.add(new StoreOp(zero, fill.access(out.base(), 0, out.strides().clone()), n));
        mv.loops.add(fill);
        int[] axes = n.attrs().getInts("axes"), lows = n.attrs().getInts("lows"), interiors = n.attrs().getInts("interiors");
        int off = 0;
        int[] st = out.strides().clone();
        for (int i = 0; i < axes.length; i++) {
            if (x.shape()[axes[i]] > 0) off += lows[i] * out.strides()[axes[i]];
            st[axes[i]] = out.strides()[axes[i]] * (interiors[i] + 1);
        }
        mv.loops.add(p.copyLoop(x, new View(out.base(), off, x.shape(), st), n));
    }

    private void concat(Info in) {
        Node n = in.node;
        int axis = n.attrs().getInt("axis");
        List<View> xs = new ArrayList<>();
        for (Node i : n.inputs()) xs.add(p.operand(p.info(i)));
        Unit.Move mv = p.move(in, "concat");
        View out = in.view;
        int at = 0;
        for (View x : xs) {
            p.readBy(mv, x);
            mv.loops.add(p.copyLoop(x, new View(out.base(), at * out.strides()[axis], x.shape(), out.strides().clone()), n));
            at += x.shape()[axis];
        }
    }

    private void tile(Info in) {
        Node n = in.node;
        View x = p.operand(p.info(n.input(0)));
        int[] reps = n.attrs().getInts("reps");
        Unit.Move mv = p.move(in, "tile");
        p.readBy(mv, x);
        int rank = in.shape.length, xShift = rank - x.rank(), rShift = rank - reps.length;
        int[] split = new int[2 * rank], readStrides = new int[2 * rank];
        for (int a = 0; a < rank; a++) {
            int xn = a < xShift ? 1 : x.shape()[a - xShift];
            int r = a < rShift ? 1 : reps[a - rShift];
            split[2 * a] = r;
            split[2 * a + 1] = xn;
            readStrides[2 * a] = 0;
            readStrides[2 * a + 1] = a < xShift ? 0 : x.strides()[a - xShift];
        }
        View src = new View(x.base(), x.offset(), split, readStrides);
        mv.loops.add(p.copyLoop(src, new View(in.view.base(), 0, split, View.rowMajor(split)), n));
    }
}
