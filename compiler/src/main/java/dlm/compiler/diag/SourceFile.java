package dlm.compiler.diag;

import java.util.List;

/** The text of one .dlm file (user file or stdlib module), kept to print source lines in errors. */
public final class SourceFile {
    private final String name;
    private final String text;
    private final List<String> lines;

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

    @Override
    public String toString() { return name; }
}
