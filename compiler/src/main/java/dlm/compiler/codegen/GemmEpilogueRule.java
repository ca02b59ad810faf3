package dlm.compiler.codegen;

import dlm.compiler.codegen.Planner.Info;
import dlm.compiler.ir.Node;
import dlm.runtime.DType;
import java.util.Arrays;

/**
 * A dense layer's {@code relu(x·W + b)}: the bias add and the relu of a matrix product's only
 * reader become the product's epilogue (applied while the tile is in registers, see
 * {@code dlm.runtime.kernels.Epilogue}), so neither the product nor the sum is stored and re-read.
 * Applies to f32 2-D products whose result is read once (by this op), with a bias that is a stored
 * row vector (shape [n] or [1, n]). Fires once per absorbed add or relu.
 */
final class GemmEpilogueRule implements FusionRule {
    @Override
    public String name() { return "gemm-bias-relu"; }

    @Override
    public String summary() { return "a product's bias add and relu run in its epilogue"; }

    @Override
    public boolean absorb(Planner p, Info in) {
        Node n = in.node;
        if (in.dtype != DType.F32 || !(n.is("add") || n.is("relu"))) return false;
        for (int side = 0; side < n.inputs().size(); side++) {
            Info x = p.info(n.input(side));
            if (x.view == null || !(x.view.base().producer instanceof Unit.Gemm g) || g.c != x.view.base()) continue;
            if (g.dtype != DType.F32 || g.batch.length != 0 || g.relu || p.uses.getOrDefault(x.node, 0) != 1) continue;
            if (!x.view.isWhole() || !Arrays.equals(x.shape, in.shape) || in.shape.length != 2) continue;
            if (n.is("relu")) {
                g.relu = true;
            } else {
                if (g.biasAdded) continue;
                Info b = p.info(n.input(1 - side));
                View bv = b.view;
                if (bv == null || b.lit != null) continue;
                boolean row = bv.rank() == 1 && bv.shape()[0] == g.n && bv.strides()[0] == 1
                        || bv.rank() == 2 && bv.shape()[0] == 1 && bv.shape()[1] == g.n && bv.strides()[1] == 1;
                if (!row) continue;
                g.biasAdded = true;
                g.bias = bv.base();
                g.biasOff = bv.offset();
                p.readBy(g, bv);
            }
            g.nodes.add(n);
            in.view = x.view;
            return true;
        }
        return false;
    }
}
