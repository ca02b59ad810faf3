package dlm.compiler.lsp;

import dlm.compiler.diag.SourceSpan;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;

/**
 * Between the compiler's spans (1-based lines and columns counted in UTF-16 chars, see
 * {@code dlm.compiler.parse.Spans}) and LSP ranges (0-based lines and UTF-16 characters).
 */
final class Positions {
    private Positions() {}

    static Range range(SourceSpan s) {
        if (s == null || s.isNone()) return new Range(new Position(0, 0), new Position(0, 0));
        return new Range(new Position(s.line() - 1, s.column() - 1), new Position(s.endLine() - 1, Math.max(0, s.endColumn() - 1)));
    }

    static boolean contains(SourceSpan s, int line, int column) {
        if (s.isNone()) return false;
        boolean afterStart = line > s.line() || (line == s.line() && column >= s.column());
        boolean beforeEnd = line < s.endLine() || (line == s.endLine() && column <= s.endColumn());
        return afterStart && beforeEnd;
    }

    /** A size for choosing the innermost of several spans that contain a position. */
    static long size(SourceSpan s) { return (long) (s.endLine() - s.line()) * 1_000_000L + (s.endColumn() - s.column()); }

    /** The text a span covers in its file (lines joined with '\n'). */
    static String text(SourceSpan s) {
        if (s.isNone()) return "";
        StringBuilder sb = new StringBuilder();
        for (int l = s.line(); l <= s.endLine(); l++) {
            String line = s.file().line(l);
            int from = l == s.line() ? Math.min(line.length(), s.column() - 1) : 0;
            int to = l == s.endLine() ? Math.min(line.length(), Math.max(from, s.endColumn() - 1)) : line.length();
            sb.append(line, from, to);
            if (l < s.endLine()) sb.append('\n');
        }
        return sb.toString();
    }
}
