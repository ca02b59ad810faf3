package dlm.runtime.io;

import java.io.IOException;
import java.util.List;

/**
 * A checkpoint that cannot serve a model: it lacks parameters, has extra ones, or has them with
 * other shapes or dtypes, or its own structure is wrong. The message lists every problem, one a
 * line, so that a user fixes them all at once; {@link #problems()} has them as a list.
 */
public class CheckpointException extends IOException {
    private final List<String> problems;

    public CheckpointException(String message, List<String> problems) {
        super(message);
        this.problems = List.copyOf(problems);
    }

    public CheckpointException(String message) {
        this(message, List.of(message));
    }

    /** Each problem on its own, without the heading. */
    public List<String> problems() { return problems; }
}
