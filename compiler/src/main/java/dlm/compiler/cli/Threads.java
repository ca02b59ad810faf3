package dlm.compiler.cli;

import dlm.runtime.kernels.KernelPool;
import java.util.Map;
import java.util.OptionalInt;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;

/**
 * {@code --threads N} and {@code DLM_THREADS}: how many threads the commands that compute (train,
 * eval, predict, run, grad, gradcheck, profile) give the kernels — the matrix products, the
 * compiled steps' parallel loops and the interpreter's products, all on {@link KernelPool}. The
 * flag wins over the variable; with neither, the pool keeps its default, every available
 * processor. As with {@code torch.set_num_threads}, a count above the number of processors is
 * honoured (the pool starts more threads), up to {@link KernelPool#MAX_THREADS}. Results are the
 * same bit for bit whatever the count.
 */
final class Threads {
    static final String OPTION = "threads";
    static final String VARIABLE = "DLM_THREADS";

    private Threads() {}

    static Option option() {
        return Option.builder().longOpt(OPTION).hasArg().argName("N")
                .desc("threads for the matrix products and parallel loops, 1.." + KernelPool.MAX_THREADS
                        + " (default: $" + VARIABLE + ", else one per processor: " + Runtime.getRuntime().availableProcessors()
                        + " here; a count above that is honoured)")
                .get();
    }

    /** The count asked for by the flag, else by the variable; empty when neither is given. */
    static OptionalInt requested(CommandLine cl, Map<String, String> env) {
        if (cl.hasOption(OPTION)) return OptionalInt.of(parse(cl.getOptionValue(OPTION), "--" + OPTION));
        String v = env.get(VARIABLE);
        if (v != null) return OptionalInt.of(parse(v, VARIABLE));
        return OptionalInt.empty();
    }

    private static int parse(String value, String what) {
        String v = value == null ? "" : value.strip();
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1 || n > KernelPool.MAX_THREADS)
            throw new UsageException(what + " must be a whole number from 1 to " + KernelPool.MAX_THREADS + ", got '" + value + "'");
        return n;
    }
}
