package dlm.api;

/**
 * The base of every exception the DLM Java API throws for a problem with a model, its weights or
 * its inputs; catching it catches them all. The subclasses say which:
 * {@link DlmCompileException} (the {@code .dlm} source, located), {@link WeightsException}
 * (weights that do not fit the model) and {@link InputException} (a batch the model cannot take).
 */
public class DlmModelException extends RuntimeException {
    public DlmModelException(String message) { super(message); }

    public DlmModelException(String message, Throwable cause) { super(message, cause); }
}
