package dlm.compiler;

import dlm.compiler.check.CheckedProgram;
import dlm.compiler.check.Checker;
import dlm.compiler.diag.SourceFile;
import dlm.compiler.parse.Parser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The front half of the pipeline: read, parse and check a .dlm file into its graphs. */
public final class Frontend {
    private Frontend() {}

    public static CheckedProgram load(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        return compile(SourceFile.of(file.toString(), text));
    }

    public static CheckedProgram compile(SourceFile source) {
        return new Checker().check(Parser.parse(source));
    }

    /** Convenience for tests: compile source text under a file name. */
    public static CheckedProgram compile(String name, String text) {
        return compile(SourceFile.of(name, text));
    }
}
