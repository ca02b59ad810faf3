package dlm.compiler.cli;

import java.util.List;

/** Entry point of the dlmc launcher. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        Timings.mainEntered();
        if (args.length > 0 && args[0].equals("--aot-training")) {
            // the launcher's training run for the JVM's AOT cache (see AotTraining); not a user command
            System.exit(AotTraining.run(List.of(args).subList(1, args.length)));
        }
        int status = new Dlmc(System.out, System.err).run(args);
        System.out.flush();
        System.exit(status);
    }
}
