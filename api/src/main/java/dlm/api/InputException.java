package dlm.api;

/**
 * A batch the model cannot take: another dtype, rank or trailing shape than its input, rows of
 * different lengths, or an array overload of {@code predict} that does not fit the model's input
 * or output (the message names the overload to use instead).
 */
public final class InputException extends DlmModelException {
    InputException(String message) { super(message); }
}
