package dlm.compiler.cli;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedProgram;
import java.io.IOException;
import java.nio.file.Path;

/** Loads a program for a command and prints its warnings ({@code file:line:col: warning: …}) to standard error. */
final class Programs {
    private Programs() {}

    static CheckedProgram load(Path file, Console c) throws IOException {
        CheckedProgram p = Frontend.load(file);
        for (String w : p.ast().file().warnings()) c.err().println(w);
        return p;
    }
}
