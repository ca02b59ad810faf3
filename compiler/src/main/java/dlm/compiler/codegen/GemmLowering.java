package dlm.compiler.codegen;

import dlm.compiler.codegen.Planner.Info;
import dlm.compiler.diag.DlmException;
import dlm.compiler.ir.Node;
import dlm.runtime.DType;
import java.util.Arrays;

/**
 * Lowers a matrix product to a {@link Unit.Gemm}: BLAS-style operands read in place when their
 * strides allow it (transposed or not), a contiguous copy otherwise; batch axes as nested loops.
 */
final class GemmLowering {
    private final Planner p;

    GemmLowering(Planner p) { this.p = p; }

    void gemm(Info in) {
        Node n = in.node;
        DType d = in.dtype;
        if (d == DType.F16) throw new DlmException(n.span(), "the code generator does not support f16 matmul");
        View a = p.operand(p.info(n.input(0))), b = p.operand(p.info(n.input(1)));
        Unit.Gemm u = new Unit.Gemm(p.nextUnit++, d);
        int ra = a.rank(), rb = b.rank();
        int k = a.shape()[ra - 1];
        int m = ra >= 2 ? a.shape()[ra - 2] : 1;
        int nn = rb >= 2 ? b.shape()[rb - 1] : 1;
        if (d.isFloating()) {
            if (blasLayout(m, k, ra >= 2 ? a.strides()[ra - 2] : 0, a.strides()[ra - 1]) == null) a = p.copy(a, n);
            if (blasLayout(k, nn, rb >= 2 ? b.strides()[rb - 2] : b.strides()[0], rb >= 2 ? b.strides()[rb - 1] : 0) == null) b = p.copy(b, n);
        }
        p.units.add(u);
        u.nodes.add(n);
        p.readBy(u, a);
        p.readBy(u, b);
        u.a = a.base();
        u.b = b.base();
        u.aOff = a.offset();
        u.bOff = b.offset();
        u.m = m;
        u.n = nn;
        u.k = k;
        u.ars = ra >= 2 ? a.strides()[ra - 2] : 0;
        u.acs = a.strides()[ra - 1];
        u.brs = rb >= 2 ? b.strides()[rb - 2] : b.strides()[0];
        u.bcs = rb >= 2 ? b.strides()[rb - 1] : 0;
        int outRank = in.shape.length;
        int batchRank = outRank - (ra >= 2 ? 1 : 0) - (rb >= 2 ? 1 : 0);
        u.batch = Arrays.copyOf(in.shape, batchRank);
        u.aBatch = batchStrides(a, ra - 2, u.batch);
        u.bBatch = batchStrides(b, rb - 2, u.batch);
        Value out = p.newValue(Value.Kind.TEMP, d, View.numel(in.shape), n);
        out.producer = u;
        u.c = out;
        in.view = View.contiguous(out, in.shape);
    }

    /** An operand's strides over the output's batch axes (right-aligned; broadcast axes get 0). */
    private static int[] batchStrides(View v, int own, int[] batch) {
        int[] st = new int[batch.length];
        if (own <= 0) return st;
        int shift = batch.length - own;
        for (int i = 0; i < own; i++) st[i + shift] = v.shape()[i] == 1 ? 0 : v.strides()[i];
        return st;
    }

    /**
     * How a BLAS routine can read a rows×cols matrix whose element (r, c) is at r·rs + c·cs:
     * {@code {0, ld}} row-major, {@code {1, ld}} transposed, or null when it cannot.
     */
    static int[] blasLayout(int rows, int cols, int rs, int cs) {
        if (rows == 0 || cols == 0) return new int[] {0, Math.max(cols, 1)}; // no element is read: any layout will do
        if ((cs == 1 || cols <= 1) && (rows <= 1 || rs >= Math.max(cols, 1))) return new int[] {0, rows <= 1 ? Math.max(cols, 1) : rs};
        if ((rs == 1 || rows <= 1) && (cols <= 1 || cs >= Math.max(rows, 1))) return new int[] {1, cols <= 1 ? Math.max(rows, 1) : cs};
        return null;
    }
}
