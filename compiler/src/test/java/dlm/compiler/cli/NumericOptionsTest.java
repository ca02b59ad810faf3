package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every numeric option of every command is range-checked as a whole (never truncated to an int),
 * and an option given twice is a usage error: both exit with 2 before any work is done.
 */
class NumericOptionsTest {
    @TempDir
    Path tmp;

    private Path small() throws IOException {
        Path f = tmp.resolve("small.dlm");
        Files.writeString(f, """
                import std.nn.*
                model Small(images: u8[batch, 28, 28]) {
                    val x = images.reshape(batch, 784).toF32() / 255f
                    return dense(x, units = 10, activation = ::softmax)
                }
                train(Small) { data = mnist(); loss = ::sparseCategoricalCrossentropy; optimizer = adam() }
                """);
        return f;
    }

    private static void usageError(String expected, String... args) {
        CliRunner r = CliRunner.run(args);
        assertEquals(2, r.status(), String.join(" ", args) + "\n" + r.err());
        assertTrue(r.err().contains(expected), String.join(" ", args) + "\n" + r.err());
        assertTrue(r.out().isEmpty() || !r.out().contains("Epoch"), "nothing runs: " + r.out());
    }

    @Test
    void countsOutsideAnIntAreUsageErrors() throws IOException {
        String f = small().toString(), data = TestFiles.dataDir().toString();
        usageError("--epochs must be a whole number from 1 to 2147483647, got '99999999999999'", "train", f, "--data", data, "--epochs", "99999999999999");
        usageError("--batch-size must be a whole number from 1 to 2147483647, got '99999999999'", "train", f, "--data", data, "--batch-size", "99999999999");
        usageError("--batch-size must be a whole number from 1 to 2147483647, got '0'", "train", f, "--data", data, "--batch-size", "0");
        usageError("--limit must be a whole number from 1 to 2147483647, got '4294967296'", "train", f, "--data", data, "--limit", "4294967296");
        usageError("--batch-size must be a whole number from 1 to 2147483647, got '4294967297'", "eval", f, "--data", data, "--weights", "w.npz", "--batch-size", "4294967297");
        usageError("--seed must be a whole number", "train", f, "--seed", "99999999999999999999");
        usageError("--seed must be a whole number", "run", f, "--seed", "x");
        usageError("--batch must be a whole number from 1 to 2147483647, got '4294967297'", "gradcheck", f, "--batch", "4294967297");
        usageError("--samples must be a whole number from 0 to 2147483647, got '-1'", "gradcheck", f, "--samples", "-1");
        usageError("--eps must be a positive finite number, got 'Infinity'", "gradcheck", f, "--eps", "Infinity");
        usageError("--warmup must be a whole number from 0 to 2147483647, got '-5'", "profile", f, "--data", data, "--warmup", "-5");
        usageError("--steps must be a whole number from 1 to 2147483647, got '4294967296'", "profile", f, "--data", data, "--steps", "4294967296");
        usageError("--threads must be a whole number from 1 to", "run", f, "--threads", "4294967297");
    }

    @Test
    void aRepeatedOptionIsAUsageError() throws IOException {
        String f = small().toString();
        for (List<String> args : List.of(List.of("train", f, "--epochs", "1", "--epochs", "2"), List.of("run", f, "--seed", "1", "--seed", "1"),
                List.of("graph", f, "--format", "text", "--format", "dot")))
            usageError("--" + args.get(2).substring(2) + " is given more than once", args.toArray(String[]::new));
    }

    @Test
    void aTrainBlockCountBeyondAnIntIsALocatedError() throws IOException {
        Path f = tmp.resolve("big.dlm");
        Files.writeString(f, """
                import std.nn.*
                model Small(images: u8[batch, 28, 28]) {
                    return dense(images.reshape(batch, 784).toF32(), units = 10, activation = ::softmax)
                }
                train(Small) { data = mnist(); loss = ::sparseCategoricalCrossentropy; optimizer = adam(); epochs = 99999999999999 }
                """);
        CliRunner r = CliRunner.run("check", f.toString());
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().startsWith(f + ":5:"), r.err());
        assertTrue(r.err().contains("'epochs' must be an Int from 1 to 2147483647"), r.err());
    }
}
