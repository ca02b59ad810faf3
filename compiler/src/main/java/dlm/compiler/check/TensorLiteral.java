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
 * shape. Integers give i32 and any float gives f32 (DLM's defaults); used where a declared type,
 * a default value or a conversion asks for another floating dtype, the literal takes that dtype's
 * precision from its exact values (the Elaborator keeps them).
 */
final class TensorLiteral {
    private TensorLiteral() {}

    static boolean isNumeric(ListV list) {
        if (list.items().isEmpty()) return false;
        boolean numbers = list.items().stream().allMatch(v -> v instanceof NumberV);
        boolean tensors = list.items().stream().allMatch(v -> v instanceof TensorV t && t.node().is("constant") && !t.node().type().dtype().isBool());
        return numbers || tensors;
    }

    /** i32 for a literal of integers, else f32. */
    static DType defaultDType(ListV list, java.util.Map<dlm.compiler.ir.Node, Tensor> exact) {
        for (var v : list.items()) {
            if (v instanceof NumberV n && !n.isInt()) return DType.F32;
            if (v instanceof TensorV t && t.node().type().dtype().isFloating()) return DType.F32;
        }
        return DType.I32;
    }

    /** The literal's exact values as an f64 tensor (inner literals read from {@code exact}). */
    static Tensor build(ListV list, SourceSpan span, java.util.Map<dlm.compiler.ir.Node, Tensor> exact) {
        var items = list.items();
        int[] inner = null;
        for (int i = 0; i < items.size(); i++) {
            var v = items.get(i);
            int[] s;
            if (v instanceof NumberV n) {
                s = new int[0];
            } else {
                Tensor t = ((TensorV) v).node().attrs().getTensor("value");
                s = t.shape();
            }
            if (inner == null) inner = s;
            else if (!Arrays.equals(inner, s))
                throw new DlmException(span, "ragged list literal: item " + i + " has shape " + tuple(s) + " but item 0 has shape " + tuple(inner));
        }
        int[] shape = new int[inner.length + 1];
        shape[0] = items.size();
        System.arraycopy(inner, 0, shape, 1, inner.length);
        Tensor out = Tensor.zeros(DType.F64, shape);
        int k = 0;
        for (var v : items) {
            if (v instanceof NumberV n) out.setDouble(k++, n.value());
            else {
                Tensor t = exact.getOrDefault(((TensorV) v).node(), ((TensorV) v).node().attrs().getTensor("value"));
                for (int j = 0; j < t.size(); j++) out.setDouble(k++, t.getDouble(j));
            }
        }
        return out;
    }

    private static String tuple(int[] s) {
        return dlm.compiler.ir.Shape.of(s).tuple();
    }
}
