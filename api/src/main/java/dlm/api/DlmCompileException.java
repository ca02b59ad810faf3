package dlm.api;

import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceSpan;

/**
 * A mistake in a {@code .dlm} program, located in its source: the file name (the path, or the
 * resource name when loaded from the class path), the 1-based line and column, and the message,
 * as {@code dlmc} reports it. {@link #getMessage()} is {@code file:line:col: error: message};
 * {@link #render()} adds the source line and a caret under the column.
 *
 * <p>It is also thrown when a compiled step fails while it runs at a known place of the source
 * (an integer division by zero, an index out of range), located at that node.
 */
public final class DlmCompileException extends DlmModelException {
    private final String file;
    private final int line, column;
    private final String reason;
    private final String rendered;

    DlmCompileException(DlmException e) {
        super(headline(e.span(), e.getMessage()), e);
        SourceSpan s = e.span();
        this.file = s.isNone() ? null : s.fileName();
        this.line = s.isNone() ? 0 : s.line();
        this.column = s.isNone() ? 0 : s.column();
        this.reason = e.getMessage();
        this.rendered = e.render();
    }

    private static String headline(SourceSpan s, String message) {
        return s.isNone() ? "error: " + message : s.location() + ": error: " + message;
    }

    /** The {@code .dlm} file (or resource) the error is in; null for an error with no place in the source. */
    public String file() { return file; }

    /** The 1-based line, or 0 when the error has no place in the source. */
    public int line() { return line; }

    /** The 1-based column, or 0 when the error has no place in the source. */
    public int column() { return column; }

    /** The message alone, without the location. */
    public String reason() { return reason; }

    /** The full diagnostic as {@code dlmc} prints it: location, message, source line and caret. */
    public String render() { return rendered; }
}
