package dlm.api;

import dlm.compiler.ir.Dim;
import dlm.compiler.ir.TensorType;
import java.util.List;

/**
 * The name, dtype and shape of a model's input or output. A dimension is either a number or a
 * symbol of the model's signature ({@code batch} in {@code u8[batch, 28, 28]}), which takes the
 * size of the batch given to {@link Predictor#predict}.
 *
 * @param name  the name in the {@code .dlm} source (the model's parameter; {@code output} for its result)
 * @param dtype the DLM dtype name: {@code f32}, {@code u8}, {@code i64}, …
 * @param dims  each dimension as written: a number ({@code "28"}) or a symbol ({@code "batch"})
 */
public record TensorInfo(String name, String dtype, List<String> dims) {
    public TensorInfo {
        dims = List.copyOf(dims);
    }

    static TensorInfo of(String name, TensorType type) {
        return new TensorInfo(name, type.dtype().dlmName(), type.shape().dims().stream().map(Dim::toString).toList());
    }

    /** Whether dimension {@code axis} is a symbol (sized by the batch) rather than a number. */
    public boolean isSymbolic(int axis) {
        return !dims.get(axis).chars().allMatch(Character::isDigit);
    }

    /** As in the source: {@code images: u8[batch, 28, 28]}. */
    @Override
    public String toString() { return name + ": " + dtype + (dims.isEmpty() ? "" : "[" + String.join(", ", dims) + "]"); }
}
