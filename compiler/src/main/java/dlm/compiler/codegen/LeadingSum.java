package dlm.compiler.codegen;

import dlm.compiler.codegen.Planner.Info;
import dlm.compiler.ir.Node;
import dlm.compiler.ops.KernelCall;
import dlm.runtime.DType;
import dlm.runtime.exec.Reductions;

/**
 * A sum of a stored f32 tensor over its leading axes (a bias gradient) as one call of the
 * vectorized {@link Reductions#sumLeading}, instead of a scalar loop accumulating into a double
 * array. Both add each output element's terms in a double, in row order, and round once, so the
 * choice changes no bit.
 */
final class LeadingSum {
    private LeadingSum() {}

    /** The kernel call for reduction {@code in}, or null when it is not such a sum (or its input is not contiguous). */
    static KernelCall call(Planner p, Info in) {
        Node n = in.node;
        if (!n.is("sum") || in.dtype != DType.F32) return null;
        Info x = p.info(n.input(0));
        if (x.dtype != DType.F32 || x.lit != null) return null;
        int rank = x.shape.length;
        boolean[] reduced = GroupLoops.reducedAxes(n, rank);
        int k = 0;
        while (k < rank && reduced[k]) k++;
        if (k == 0 || k == rank) return null;
        for (int a = k; a < rank; a++) if (reduced[a]) return null;
        if (!p.stored(x).isContiguous()) return null;
        long outer = 1, inner = 1;
        for (int a = 0; a < k; a++) outer *= x.shape[a];
        for (int a = k; a < rank; a++) inner *= x.shape[a];
        return KernelCall.of(Reductions.class, "sumLeading", KernelCall.input(0), KernelCall.output(),
                KernelCall.constant((int) outer), KernelCall.constant((int) inner));
    }
}
