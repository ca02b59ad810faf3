package dlm.compiler.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** One dlmc subcommand: its options and what it does with a parsed command line. */
interface Command {
    String name();

    /** One line for the command list. */
    String summary();

    /** The synopsis after "dlmc NAME", e.g. "FILE [--format text|dot]". */
    String usage();

    Options options();

    /**
     * True for the commands that run tensor computations (kernels, compiled steps, the
     * interpreter): they take {@code --threads N} (and {@code DLM_THREADS}), see {@link Threads}.
     */
    default boolean computes() { return false; }

    /** Runs the command; returns the exit status. DlmException and UsageException propagate. */
    int run(CommandLine cl, Console out) throws Exception;
}
