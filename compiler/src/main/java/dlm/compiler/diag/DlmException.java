package dlm.compiler.diag;

/**
 * A mistake in the user's program, located in its source. The command line prints it as
 * {@code file:line:col: error: message}, the source line and a caret, and exits with status 1.
 */
public class DlmException extends RuntimeException {
    private final SourceSpan span;

    public DlmException(SourceSpan span, String message) {
        super(message);
        this.span = span;
    }

    public DlmException(SourceSpan span, String message, Throwable cause) {
        super(message, cause);
        this.span = span;
    }

    public SourceSpan span() { return span; }

    /** The full diagnostic: location, message, source line and caret (as printed by dlmc). */
    public String render() { return Diagnostics.render(span, "error", getMessage()); }
}
