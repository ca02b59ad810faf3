package dlm.compiler.cli;

import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;

/** Shared command-line helpers. */
final class Args {
    private Args() {}

    /** The one FILE.dlm operand. */
    static Path file(CommandLine cl) {
        var rest = cl.getArgList();
        if (rest.isEmpty()) throw new UsageException("missing FILE.dlm");
        if (rest.size() > 1) throw new UsageException("unexpected argument '" + rest.get(1) + "'");
        return Path.of(rest.get(0));
    }

    static long longValue(CommandLine cl, String opt) {
        try {
            return Long.parseLong(cl.getOptionValue(opt));
        } catch (NumberFormatException e) {
            throw new UsageException("--" + opt + " must be an integer, got '" + cl.getOptionValue(opt) + "'");
        }
    }

    static String choice(CommandLine cl, String opt, String dflt, String... allowed) {
        String v = cl.getOptionValue(opt, dflt);
        for (String a : allowed) if (a.equals(v)) return v;
        throw new UsageException("--" + opt + " must be one of " + String.join(", ", allowed) + ", got '" + v + "'");
    }
}
