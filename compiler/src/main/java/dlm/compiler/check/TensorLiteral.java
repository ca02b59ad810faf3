package dlm.compiler.check;

import dlm.compiler.check.Value.ListV;
import dlm.compiler.check.Value.NumberV;
import dlm.compiler.check.Value.TensorV;
import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceSpan;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.Arrays;

/**
 * Numeric list literals are tensor constants: {@code [[0., 1.], [2., 3.]]} is an f32[2, 2].
 * Inner lists are elaborated first, so a literal's items are numbers or constant tensors of one
 * shape. Integers give i32 and any float gives f32 (DLM's defaults; convert with .toF64() etc.).
 */
final class TensorLiteral {
    private TensorLiteral() {}

    static boolean isNumeric(ListV list) {
        if (list.items().isEmpty()) return false;
        boolean numbers = list.items().stream().allMatch(v -> v instanceof NumberV);
        boolean tensors = list.items().stream().allMatch(v -> v instanceof TensorV t && t.node().is("constant") && !t.node().type().dtype().isBool());
        return numbers || tensors;
    }

    static Tensor build(ListV list, SourceSpan span) {
        var items = list.items();
        boolean anyFloat = false;
        int[] inner = null;
        for (int i = 0; i < items.size(); i++) {
            var v = items.get(i);
            int[] s;
            if (v instanceof NumberV n) {
                anyFloat |= !n.isInt();
                s = new int[0];
            } else {
                Tensor t = ((TensorV) v).node().attrs().getTensor("value");
                anyFloat |= t.dtype().isFloating();
                s = t.shape();
            }
            if (inner == null) inner = s;
            else if (!Arrays.equals(inner, s))
                throw new DlmException(span, "ragged list literal: item " + i + " has shape " + tuple(s) + " but item 0 has shape " + tuple(inner));
        }
        int[] shape = new int[inner.length + 1];
        shape[0] = items.size();
        System.arraycopy(inner, 0, shape, 1, inner.length);
        Tensor out = Tensor.zeros(anyFloat ? DType.F32 : DType.I32, shape);
        int k = 0;
        for (var v : items) {
            if (v instanceof NumberV n) out.setDouble(k++, n.value());
            else {
                Tensor t = ((TensorV) v).node().attrs().getTensor("value");
                for (int j = 0; j < t.size(); j++) out.setDouble(k++, t.getDouble(j));
            }
        }
        return out;
    }

    private static String tuple(int[] s) {
        return dlm.compiler.ir.Shape.of(s).tuple();
    }
}
