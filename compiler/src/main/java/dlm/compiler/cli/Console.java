package dlm.compiler.cli;

import java.io.PrintStream;

/** Where a command writes: standard output and standard error (captured in tests). */
record Console(PrintStream out, PrintStream err) {}
