package dlm.compiler.cli;

import dlm.compiler.check.Show;
import dlm.runtime.Tensor;

/** How a computed value prints on one line: scalars as plain numbers, tensors as NumPy arrays. */
final class TensorText {
    private TensorText() {}

    static String value(Tensor t) {
        if (t.rank() == 0) return t.dtype().isFloating() ? Show.number(t.dtype() == dlm.runtime.DType.F64 ? t.getDouble(0) : Double.parseDouble(Float.toString((float) t.getDouble(0)))) : Long.toString(t.getLong(0));
        return t.toString();
    }
}
