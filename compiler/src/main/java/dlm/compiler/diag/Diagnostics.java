package dlm.compiler.diag;

/** Renders located messages the way compilers do: {@code file:line:col: error: msg}, the line, a caret. */
public final class Diagnostics {
    private Diagnostics() {}

    public static String render(SourceSpan span, String severity, String message) {
        if (span == null || span.isNone()) return "dlmc: " + severity + ": " + message;
        StringBuilder sb = new StringBuilder();
        sb.append(span.location()).append(": ").append(severity).append(": ").append(message).append('\n');
        String src = span.file().line(span.line());
        sb.append(src).append('\n');
        int col = Math.max(1, span.column());
        StringBuilder caret = new StringBuilder();
        for (int i = 1; i < col && i - 1 < src.length(); i++) caret.append(src.charAt(i - 1) == '\t' ? '\t' : ' ');
        int width = 1;
        if (span.endLine() == span.line() && span.endColumn() > span.column()) width = span.endColumn() - span.column();
        caret.append('^');
        for (int i = 1; i < width; i++) caret.append('~');
        sb.append(caret);
        return sb.toString();
    }
}
