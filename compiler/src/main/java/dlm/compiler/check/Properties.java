package dlm.compiler.check;

import dlm.compiler.check.Value.*;
import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceSpan;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Node;
import java.util.List;

/** Properties read with {@code .name} and no call: {@code x.shape}, {@code x.ndim}, {@code x.dtype}, {@code x.T}. */
final class Properties {
    private Properties() {}

    static Value get(Elaborator el, Value target, String name, SourceSpan nameSpan, SourceSpan span) {
        if (target instanceof TensorV t) {
            Node n = t.node();
            switch (name) {
                case "shape": return new ShapeV(n.type().shape());
                case "ndim": case "rank": return new NumberV(n.type().rank(), true, null);
                case "dtype": return new DTypeV(n.type().dtype());
                case "size": {
                    Dim d = n.type().shape().numel();
                    return d.isKnown() ? new NumberV(d.coefficient(), true, null) : new DimV(d);
                }
                case "T": {
                    int r = n.type().rank();
                    int[] perm = new int[r];
                    for (int i = 0; i < r; i++) perm[i] = r - 1 - i;
                    return new TensorV(el.op("transpose", List.of(n), Attrs.of("perm", perm), span));
                }
                default: break;
            }
        }
        if (target instanceof ShapeV s && (name.equals("size") || name.equals("rank") || name.equals("ndim")))
            return new NumberV(s.shape().rank(), true, null);
        if (target instanceof ListV l && name.equals("size")) return new NumberV(l.items().size(), true, null);
        throw new DlmException(nameSpan, target.describe() + " has no property '" + name + "'"
                + (target instanceof TensorV ? "; tensors have shape, ndim, size, dtype and T (call functions as x." + name + "())" : ""));
    }
}
