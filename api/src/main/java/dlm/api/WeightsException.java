package dlm.api;

import java.util.List;

/**
 * Weights that cannot be used with a model: arrays the model needs that the file lacks, arrays
 * the model does not have, arrays of another dtype or shape, or non-finite values (NaN, ±inf).
 * {@link #problems()} lists every problem found, one per array, in the model's order first; the
 * message holds them all.
 */
public final class WeightsException extends DlmModelException {
    private final List<String> problems;

    WeightsException(String message, List<String> problems) {
        super(message);
        this.problems = List.copyOf(problems);
    }

    /** One line per problem, e.g. {@code dense_1.W: checkpoint has f32[784, 256], model needs f32[784, 512]}. */
    public List<String> problems() { return problems; }
}
