package dlm.compiler.cli;

import dlm.compiler.diag.DlmException;
import dlm.runtime.kernels.KernelPool;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * The {@code dlmc} command line. Exit status: 0 on success, 1 for an error in the user's
 * program (printed as {@code file:line:col: error: …} with the line and a caret), 2 for a
 * usage error. A Java stack trace is printed only with {@code --debug}, and only for
 * internal errors.
 */
public final class Dlmc {
    public static final String VERSION = "0.1.0";

    private final Map<String, Command> commands = new LinkedHashMap<>();
    private final Console console;
    private final Map<String, String> env;

    public Dlmc(PrintStream out, PrintStream err) {
        this(out, err, System.getenv());
    }

    /** With {@code env} in place of the process environment (read for {@code DLM_THREADS}). */
    public Dlmc(PrintStream out, PrintStream err, Map<String, String> env) {
        this.console = new Console(out, err);
        this.env = Map.copyOf(env);
        for (Command c : List.of(new CheckCommand(), new GraphCommand(), new RunCommand(), new GradCommand(), new GradcheckCommand(),
                new TrainCommand(), new EvalCommand(), new PredictCommand(), new ShowCommand(), new CompileCommand(), new DisasmCommand(),
                new ProfileCommand(), new ExportCommand(), new LspCommand(), new ReportCommand())) commands.put(c.name(), c);
    }

    public int run(String... args) {
        boolean debug = List.of(args).contains("--debug");
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            if (args.length > 1 && commands.containsKey(args[1])) return help(commands.get(args[1]), console.out());
            printUsage(console.out());
            return args.length == 0 ? 2 : 0;
        }
        if (args[0].equals("--version") || args[0].equals("-V")) {
            console.out().println("dlmc " + VERSION);
            return 0;
        }
        Command cmd = commands.get(args[0]);
        if (cmd == null) {
            String s = dlm.compiler.check.Suggest.closest(args[0], commands.keySet());
            console.err().println("dlmc: error: unknown command '" + args[0] + "'" + (s != null ? "; did you mean '" + s + "'?" : ""));
            printUsage(console.err());
            return 2;
        }
        Options opts = options(cmd);
        opts.addOption(Option.builder().longOpt("debug").desc("print Java stack traces for internal errors").get());
        try {
            CommandLine cl = new DefaultParser().parse(opts, java.util.Arrays.copyOfRange(args, 1, args.length));
            if (cl.hasOption("help")) return help(cmd, console.out());
            Args.noRepeats(cl);
            OptionalInt threads = cmd.computes() ? Threads.requested(cl, env) : OptionalInt.empty();
            if (threads.isEmpty()) return cmd.run(cl, console);
            // The pool is the process's: set it for this command, and put it back afterwards
            // (the same JVM may run further commands, as the tests do).
            int before = KernelPool.setThreads(threads.getAsInt());
            try {
                return cmd.run(cl, console);
            } finally {
                KernelPool.setParallelism(before);
            }
        } catch (ParseException | UsageException e) {
            String hint = "";
            if (e instanceof org.apache.commons.cli.UnrecognizedOptionException u && u.getOption() != null && u.getOption().startsWith("--")) {
                List<String> longs = opts.getOptions().stream().map(Option::getLongOpt).filter(java.util.Objects::nonNull).toList();
                String s = dlm.compiler.check.Suggest.closest(u.getOption().substring(2).split("=", 2)[0], longs);
                if (s != null) hint = "; did you mean '--" + s + "'?";
            }
            console.err().println("dlmc " + cmd.name() + ": error: " + e.getMessage() + hint);
            console.err().println("usage: dlmc " + cmd.name() + " " + usage(cmd) + "   (dlmc " + cmd.name() + " --help for more)");
            return 2;
        } catch (DlmException e) {
            console.err().println(e.render());
            if (debug) e.printStackTrace(console.err());
            return 1;
        } catch (NoSuchFileException e) {
            console.err().println("dlmc: error: no such file: " + e.getFile());
            return 2;
        } catch (java.io.IOException e) {
            console.err().println("dlmc: error: " + e.getMessage());
            return 2;
        } catch (OutOfMemoryError e) {
            // The memory estimates refuse what cannot fit before it runs; this is the last resort.
            console.err().println("dlmc: error: out of memory (the JVM's heap is at most " + dlm.compiler.ir.MemoryEstimate.bytes(Runtime.getRuntime().maxMemory())
                    + "); give the JVM more memory with DLM_JAVA_OPTS=-Xmx…, or make the model or the batch size smaller");
            return 1;
        } catch (Exception | StackOverflowError e) {
            console.err().println("dlmc: internal error: " + e + (debug ? "" : " (run with --debug for details)"));
            if (debug) {
                StringWriter sw = new StringWriter();
                e.printStackTrace(new PrintWriter(sw));
                console.err().print(sw);
            }
            return 3;
        }
    }

    /** The command's options, with {@code --help}, and {@code --threads} for the commands that compute. */
    private static Options options(Command cmd) {
        Options opts = cmd.options();
        if (cmd.computes()) opts.addOption(Threads.option());
        opts.addOption(Option.builder("h").longOpt("help").desc("show this help").get());
        return opts;
    }

    /**
     * The command's synopsis: its own, then every option it takes that the synopsis does not
     * already show, so that the usage line and the option list below it always agree.
     */
    static String usage(Command cmd) {
        StringBuilder sb = new StringBuilder(cmd.usage());
        for (Option o : options(cmd).getOptions()) {
            if (o.getLongOpt() == null || o.getLongOpt().equals("help") || o.getLongOpt().equals("debug")) continue;
            if (java.util.regex.Pattern.compile("--" + java.util.regex.Pattern.quote(o.getLongOpt()) + "(?![\\w-])").matcher(cmd.usage()).find()) continue;
            sb.append(" [--").append(o.getLongOpt()).append(o.hasArg() ? " " + o.getArgName() : "").append(']');
        }
        return sb.toString();
    }

    private static final char NO_BREAK_SPACE = '\u00a0';

    /** Help text; the synopsis wraps only between bracketed options, never inside one. */
    private int help(Command cmd, PrintStream out) {
        String synopsis = java.util.regex.Pattern.compile("\\[[^\\]]*\\]").matcher("dlmc " + cmd.name() + " " + usage(cmd))
                .replaceAll(m -> java.util.regex.Matcher.quoteReplacement(m.group().replace(' ', NO_BREAK_SPACE)));
        java.io.StringWriter text = new java.io.StringWriter();
        PrintWriter pw = new PrintWriter(text);
        new HelpFormatter().printHelp(pw, 100, synopsis, cmd.summary(), options(cmd), 2, 2, null);
        pw.flush();
        out.print(text.toString().replace(NO_BREAK_SPACE, ' '));
        out.flush();
        return 0;
    }

    private void printUsage(PrintStream out) {
        out.println("usage: dlmc COMMAND FILE.dlm [options]");
        out.println();
        out.println("DLM compiler " + VERSION + ": check, inspect and run neural networks written in DLM.");
        out.println();
        out.println("commands:");
        for (Command c : commands.values()) out.printf("  %-8s %s%n", c.name(), c.summary());
        out.println();
        out.println("dlmc COMMAND --help shows a command's options; dlmc --version prints the version.");
    }
}
