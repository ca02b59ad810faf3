package dlm.compiler.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs dlmc in-process and captures its exit status and output. */
public record CliRunner(int status, String out, String err) {
    public static CliRunner run(String... args) {
        return runWithEnv(System.getenv(), args);
    }

    /** Runs dlmc with {@code env} as its environment. */
    public static CliRunner runWithEnv(java.util.Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = new Dlmc(o, e, env).run(args);
        }
        return new CliRunner(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
