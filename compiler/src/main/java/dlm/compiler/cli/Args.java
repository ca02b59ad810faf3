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
            return Long.parseLong(cl.getOptionValue(opt).strip());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + opt + " must be a whole number from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE + ", got '" + cl.getOptionValue(opt) + "'");
        }
    }

    /**
     * A whole-number option in {@code [min, max]}, or {@code dflt} when it is not given. A value
     * outside the range (or outside a long) is a usage error, never truncated.
     */
    static int intInRange(CommandLine cl, String opt, long min, long max, int dflt) {
        if (!cl.hasOption(opt)) return dflt;
        return (int) inRange(cl, opt, min, Math.min(max, Integer.MAX_VALUE));
    }

    static long inRange(CommandLine cl, String opt, long min, long max) {
        String raw = cl.getOptionValue(opt);
        long v;
        try {
            v = Long.parseLong(raw.strip());
        } catch (NumberFormatException e) {
            throw rangeError(opt, min, max, raw);
        }
        if (v < min || v > max) throw rangeError(opt, min, max, raw);
        return v;
    }

    private static UsageException rangeError(String opt, long min, long max, String raw) {
        return new UsageException("--" + opt + " must be a whole number from " + min + " to " + max + ", got '" + raw + "'");
    }

    /**
     * Each option at most once: {@code --epochs 1 --epochs 2} is ambiguous, so it is a usage
     * error rather than a silent choice of one of them.
     */
    static void noRepeats(CommandLine cl) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (var o : cl.getOptions()) {
            String name = o.getLongOpt() != null ? o.getLongOpt() : o.getOpt();
            if (!seen.add(name)) throw new UsageException("--" + name + " is given more than once");
        }
    }

    static String choice(CommandLine cl, String opt, String dflt, String... allowed) {
        String v = cl.getOptionValue(opt, dflt);
        for (String a : allowed) if (a.equals(v)) return v;
        throw new UsageException("--" + opt + " must be one of " + String.join(", ", allowed) + ", got '" + v + "'");
    }
}
