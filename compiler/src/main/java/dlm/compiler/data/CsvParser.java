package dlm.compiler.data;

import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceFile;
import dlm.compiler.diag.SourceSpan;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits CSV text into records of fields, RFC 4180 style (as Python's csv module and pandas read
 * it): a field in double quotes may hold the delimiter, line breaks and doubled quotes ({@code ""});
 * lines that are empty or only whitespace are skipped (pandas's {@code skip_blank_lines}); CRLF and
 * LF both end a record. Every field keeps its line and column (1-based, of its first character, or
 * of its opening quote), so that a bad cell is reported where it is.
 */
final class CsvParser {
    private CsvParser() {}

    /** One field: its text (quotes removed) and where it starts. */
    record Field(String text, int line, int column, boolean quoted) {}

    /** One record: its fields, and the line and column just past its last character. */
    record Row(List<Field> fields, int line, int endColumn) {}

    static List<Row> parse(SourceFile file, char delimiter) {
        String s = file.text();
        List<Row> rows = new ArrayList<>();
        int i = 0, line = 1, lineStart = 0, n = s.length();
        if (n > 0 && s.charAt(0) == '\uFEFF') { i = 1; lineStart = 1; } // a UTF-8 byte-order mark, as Excel writes
        while (i < n) {
            // a blank line (only spaces or tabs) is skipped
            int j = i;
            while (j < n && (s.charAt(j) == ' ' || s.charAt(j) == '\t') && s.charAt(j) != delimiter) j++;
            if (j >= n || s.charAt(j) == '\n' || s.charAt(j) == '\r') {
                i = j >= n ? n : skipNewline(s, j);
                line++;
                lineStart = i;
                continue;
            }
            List<Field> fields = new ArrayList<>();
            int rowLine = line;
            while (true) {
                int col = i - lineStart + 1, fline = line;
                StringBuilder b = new StringBuilder();
                boolean quoted = false;
                // leading spaces before an opening quote belong to no field text (pandas skips them too when quoting)
                int k = i;
                while (k < n && s.charAt(k) == ' ') k++;
                if (k < n && s.charAt(k) == '"') {
                    quoted = true;
                    col = k - lineStart + 1;
                    i = k + 1;
                    while (true) {
                        if (i >= n) throw new DlmException(new SourceSpan(file, fline, col, fline, col + 1), "quoted field is never closed (a \" with no matching \")");
                        char c = s.charAt(i);
                        if (c == '"') {
                            if (i + 1 < n && s.charAt(i + 1) == '"') { b.append('"'); i += 2; continue; }
                            i++;
                            break;
                        }
                        if (c == '\n' || (c == '\r')) {
                            b.append('\n');
                            i = skipNewline(s, i);
                            line++;
                            lineStart = i;
                            continue;
                        }
                        b.append(c);
                        i++;
                    }
                    // only spaces may follow the closing quote
                    while (i < n && s.charAt(i) == ' ' && s.charAt(i) != delimiter) i++;
                    if (i < n && s.charAt(i) != delimiter && s.charAt(i) != '\n' && s.charAt(i) != '\r') {
                        int c2 = i - lineStart + 1;
                        throw new DlmException(new SourceSpan(file, line, c2, line, c2 + 1), "unexpected '" + s.charAt(i) + "' after a quoted field (expected '" + show(delimiter) + "' or the end of the line)");
                    }
                } else {
                    while (i < n && s.charAt(i) != delimiter && s.charAt(i) != '\n' && s.charAt(i) != '\r') b.append(s.charAt(i++));
                }
                fields.add(new Field(b.toString(), fline, col, quoted));
                if (i < n && s.charAt(i) == delimiter) { i++; continue; }
                int end = i - lineStart + 1;
                rows.add(new Row(fields, rowLine, end));
                if (i < n) {
                    i = skipNewline(s, i);
                    line++;
                    lineStart = i;
                }
                break;
            }
        }
        return rows;
    }

    private static int skipNewline(String s, int i) {
        if (s.charAt(i) == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') return i + 2;
        return i + 1;
    }

    static String show(char c) { return c == '\t' ? "\\t" : String.valueOf(c); }
}
