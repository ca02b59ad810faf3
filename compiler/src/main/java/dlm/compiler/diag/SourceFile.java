package dlm.compiler.diag;

import java.util.List;

/** The text of one .dlm file (user file or stdlib module), kept to print source lines in errors. */
public final class SourceFile {
    private final String name;
    private final String text;
    private final List<String> lines;
    /** Warnings about this file found while checking it, rendered, by position and without repeats. */
    private final java.util.SortedMap<String, String> warnings = java.util.Collections.synchronizedSortedMap(new java.util.TreeMap<>());

    private SourceFile(String name, String text) {
        this.name = name;
        this.text = text;
        this.lines = text.lines().toList();
    }

    public static SourceFile of(String name, String text) { return new SourceFile(name, text); }

    public String name() { return name; }

    public String text() { return text; }

    /** The 1-based line, without its line terminator; empty when out of range. */
    public String line(int line) {
        return line >= 1 && line <= lines.size() ? lines.get(line - 1) : "";
    }

    /**
     * Records a warning at {@code span} (in this file), rendered as
     * {@code file:line:col: warning: message} with the line and a caret. The same warning
     * found twice (a model is elaborated again for training) is kept once.
     */
    public void warn(SourceSpan span, String message) {
        String key = String.format("%010d:%010d:%s", span.line(), span.column(), message);
        warnings.put(key, Diagnostics.render(span, "warning", message));
    }

    /** The warnings recorded so far, rendered, in the order of their place in the file. */
    public List<String> warnings() {
        synchronized (warnings) {
            return List.copyOf(warnings.values());
        }
    }

    @Override
    public String toString() { return name; }
}
