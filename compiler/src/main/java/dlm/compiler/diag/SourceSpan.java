package dlm.compiler.diag;

/**
 * A region of a .dlm source: 1-based line and column of its first character, and the
 * 1-based line/column just past its last one (on the same line for most nodes).
 * Every AST node and graph node carries one, so errors and printed graphs point at user code.
 */
public record SourceSpan(SourceFile file, int line, int column, int endLine, int endColumn) {

    /** A span for nodes made by the compiler itself with no user source behind them. */
    public static final SourceSpan NONE = new SourceSpan(SourceFile.of("<builtin>", ""), 0, 0, 0, 0);

    public boolean isNone() { return line <= 0; }

    public String fileName() { return file.name(); }

    /** {@code file:line:col}. */
    public String location() { return file.name() + ":" + line + ":" + column; }

    /** A span from the start of this one to the end of another. */
    public SourceSpan to(SourceSpan end) {
        if (isNone()) return end;
        if (end.isNone()) return this;
        return new SourceSpan(file, line, column, end.endLine, end.endColumn);
    }

    @Override
    public String toString() { return isNone() ? "<builtin>" : location(); }
}
