package dlm.compiler;

import dlm.compiler.check.CheckedProgram;
import dlm.compiler.check.Checker;
import dlm.compiler.diag.SourceFile;
import dlm.compiler.diag.SourceReader;
import dlm.compiler.parse.Parser;
import java.io.IOException;
import java.nio.file.Path;

/** The front half of the pipeline: read, parse and check a .dlm file into its graphs. */
public final class Frontend {
    private Frontend() {}

    /** Reads (see {@link SourceReader}: regular files of UTF-8 text, up to a size limit), parses and checks {@code file}. */
    public static CheckedProgram load(Path file) throws IOException {
        return compile(SourceReader.read(file));
    }

    public static CheckedProgram compile(SourceFile source) {
        return new Checker().check(Parser.parse(source));
    }

    /** Convenience for tests: compile source text under a file name. */
    public static CheckedProgram compile(String name, String text) {
        return compile(SourceFile.of(name, text));
    }
}
