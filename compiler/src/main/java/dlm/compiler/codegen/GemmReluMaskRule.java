package dlm.compiler.codegen;

import dlm.compiler.codegen.Planner.Info;
import dlm.compiler.ir.Node;
import dlm.runtime.DType;
import java.util.Arrays;

/**
 * The backward pass of relu, {@code where(y > 0, g, 0)} with g a product read only here: the
 * product's result is masked right after it is computed ({@code dlm.runtime.kernels.Masks}),
 * with vector compares, instead of by a generated loop. g may also be the product reshaped (a
 * flattened convolution's gradient coming back from a dense layer): the product's C is whole and
 * row-major, so element i of g is element i of C. y must be stored, contiguous, with as many
 * elements; the comparison must be read only by this where (its group, which computes nothing
 * else, is dropped), and g and the reshapes below it only by the next. Fires once per absorbed where.
 */
final class GemmReluMaskRule implements FusionRule {
    @Override
    public String name() { return "gemm-relu-mask"; }

    @Override
    public String summary() { return "where(y > 0, product, 0) masks the product as it is computed"; }

    @Override
    public boolean absorb(Planner p, Info in) {
        Node n = in.node;
        if (in.dtype != DType.F32 || !n.is("where")) return false;
        Node cond = n.input(0);
        Info ci = p.info(cond), gi = p.info(n.input(1)), zi = p.info(n.input(2));
        if (!cond.is("greater") || p.uses.getOrDefault(cond, 0) != 1 || ci.group == null || ci.view != null) return false;
        Unit.Group grp = ci.group;
        if (grp.members.size() != 1 || grp.reduction != null) return false;
        Info yi = p.info(cond.input(0)), zero = p.info(cond.input(1));
        if (zero.lit == null || Double.doubleToRawLongBits(zero.lit.d()) != 0 || yi.view == null || yi.dtype != DType.F32) return false;
        if (zi.lit == null || Double.doubleToRawLongBits(zi.lit.d()) != 0 || zi.dtype != DType.F32) return false;
        if (gi.view == null || !(gi.view.base().producer instanceof Unit.Gemm g) || g.c != gi.view.base()) return false;
        if (g.dtype != DType.F32 || g.batch.length != 0 || g.mask != null) return false;
        for (Node r = gi.node; ; r = r.input(0)) { // g, and each reshape down to the product, read once
            if (p.uses.getOrDefault(r, 0) != 1) return false;
            if (!r.is("reshape")) break;
        }
        if (!gi.view.isWhole() || !gi.view.isContiguous() || !Arrays.equals(gi.shape, in.shape)) return false;
        if (View.numel(in.shape) != (long) g.m * g.n) return false;
        View y = yi.view;
        if (!Arrays.equals(y.shape(), in.shape) || !y.isContiguous() || y.base() == g.c) return false;
        p.units.remove(grp);
        for (Unit u : p.units) u.preds.remove(grp);
        ci.group = null;
        g.mask = y.base();
        g.maskOff = y.offset();
        p.readBy(g, y);
        g.nodes.add(cond);
        g.nodes.add(n);
        in.view = gi.view;
        return true;
    }
}
