package dlm.compiler.check;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dlm.compiler.Frontend;
import dlm.compiler.TestFiles;
import dlm.compiler.diag.DlmException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Robustness: thousands of mutated programs (token-level and character-level edits of the
 * examples) either check or fail with a located DLM error inside the file — never another
 * exception, never a hang.
 */
class CheckerFuzzTest {
    private static final String[] TOKENS = {
        "x", "images", "batch", "dense", "relu", "::softmax", "(", ")", "[", "]", "{", "}", ",", ":", "=", "+", "-", "*", "/", "@",
        "0", "1", "-1", "28", "1e-3", "255f", "val", "param", "fun", "model", "return", "loss", "f32", "u8[batch, 28]", ".", "\n",
        "reshape(", ".toF32()", "units = ", "[:, 1:]", "x[0]", "sum(x, axis = 5)", "oneHot(", "train(", "import std.nn.*\n", "\"s\""
    };

    @Test
    void mutatedExamplesNeverCrashTheChecker() throws IOException {
        List<String> seeds = new ArrayList<>();
        try (Stream<Path> s = Files.list(TestFiles.examples())) {
            for (Path p : s.filter(f -> f.toString().endsWith(".dlm") && !f.getFileName().toString().equals("tensors.dlm")).sorted().toList())
                seeds.add(Files.readString(p));
        }
        seeds.add("import std.nn.*\nfun f(a: f32[n, k], m: Int): f32[n, m] = dense(a, units = m)\nmodel M(x: f32[batch, 3] ) { return f(x, 2).sum(axis = 1) }\n");
        Random rnd = new Random(20261126);
        int checked = 0, errors = 0;
        for (int i = 0; i < 3000; i++) {
            String src = mutate(seeds.get(rnd.nextInt(seeds.size())), rnd);
            String name = "fuzz" + i + ".dlm";
            try {
                assertTimeoutPreemptively(Duration.ofSeconds(5), () -> Frontend.compile(name, src), () -> "hang on:\n" + src);
                checked++;
            } catch (DlmException e) {
                errors++;
                assertTrue(e.span() != null && e.span().line() >= 1, () -> "unlocated error '" + e.getMessage() + "' for:\n" + src);
                if (e.span().fileName().equals(name)) {
                    int lines = (int) src.lines().count() + 1;
                    assertTrue(e.span().line() <= lines, () -> "error outside the file (" + e.span() + ") for:\n" + src);
                }
            } catch (Throwable t) {
                if (t instanceof org.opentest4j.AssertionFailedError afe) throw afe;
                fail("crash " + t + " on:\n" + src, t);
            }
        }
        assertTrue(checked > 50 && errors > 500, "checked " + checked + ", errors " + errors);
    }

    private static String mutate(String s, Random rnd) {
        StringBuilder b = new StringBuilder(s);
        int edits = 1 + rnd.nextInt(4);
        for (int e = 0; e < edits; e++) {
            if (b.isEmpty()) break;
            int at = rnd.nextInt(b.length());
            switch (rnd.nextInt(5)) {
                case 0 -> b.deleteCharAt(at);
                case 1 -> b.insert(at, TOKENS[rnd.nextInt(TOKENS.length)]);
                case 2 -> { int end = Math.min(b.length(), at + 1 + rnd.nextInt(12)); b.delete(at, end); }
                case 3 -> b.insert(at, b.charAt(rnd.nextInt(b.length())));
                default -> {
                    // swap a number for another
                    String[] nums = {"0", "3", "512", "-7", "100000"};
                    b.insert(at, nums[rnd.nextInt(nums.length)]);
                }
            }
        }
        return b.toString();
    }
}
