package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gradcheck's test is torch.autograd.gradcheck's: |symbolic − numeric| ≤ atol + tol·|numeric|, so a
 * gradient that is exactly 0 (both sides rounding noise) passes instead of showing a relative
 * error of 1.
 */
class GradcheckCriterionTest {
    @TempDir
    Path tmp;

    /** A bias before a batch-style normalization: the loss does not depend on it at all. */
    private static final String BIAS_BEFORE_NORMALIZATION = """
            model M(x: f32[batch, 3]) {
                param W: f32[3, 4] = uniform(-1, 1)
                param b: f32[4] = uniform(-1, 1)
                val h = x @ W + b
                val c = h - mean(h, axis = 0, keepdims = true)
                val n = c / sqrt(mean(square(c), axis = 0, keepdims = true) + 1e-3f)
                loss = sum(square(n - 0.5f) * [1.0, 2.0, 3.0, 4.0])
            }
            """;

    @Test
    void aGradientThatIsExactlyZeroPasses() throws IOException {
        Path f = tmp.resolve("bn.dlm");
        Files.writeString(f, BIAS_BEFORE_NORMALIZATION);
        CliRunner r = CliRunner.run("gradcheck", f.toString());
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.out().contains("pass when |symbolic - numeric| <= 1.0e-05 + 1.0e-04 * |numeric|"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("  b +max \\|symbolic - numeric\\| .* over 4 of 4 entries  ok")), r.out());
        // a purely relative test (atol 0) fails it, naming the entry and both values
        CliRunner rel = CliRunner.run("gradcheck", f.toString(), "--atol", "0");
        assertEquals(1, rel.status(), rel.out());
        assertTrue(rel.out().lines().anyMatch(l -> l.matches("  b +max .*FAILED \\(entry \\d: symbolic .*, numeric .*\\)")), rel.out());
    }

    @Test
    void theCriterionIsTorchs() {
        // |a - n| <= atol + rtol * |n|, the error given as a share of the allowance
        assertEquals(0, GradcheckCommand.errorRatio(0, 0, 0, 0));
        assertEquals(0.5, GradcheckCommand.errorRatio(5e-6, 0, 1e-5, 1e-4), 1e-12);
        assertEquals(0.5, GradcheckCommand.errorRatio(1.0 + 5e-5, 1.0, 0, 1e-4), 1e-6);
        assertTrue(GradcheckCommand.errorRatio(1e-12, 0, 0, 1e-4) > 1);
        assertTrue(GradcheckCommand.errorRatio(1.0 + 2e-4, 1.0, 0, 1e-4) > 1);
        assertTrue(GradcheckCommand.errorRatio(Double.NaN, 1.0, 1, 1) > 1);
        assertTrue(GradcheckCommand.errorRatio(Double.POSITIVE_INFINITY, 1.0, 1, 1) > 1);
    }

    @Test
    void theHelpSaysHowEntriesPass() {
        CliRunner r = CliRunner.run("gradcheck", "--help");
        String text = (r.out() + r.err()).replaceAll("\\s+", " ");
        assertTrue(text.contains("--atol <A> absolute tolerance (default 1e-5): an entry passes when |symbolic - numeric| <= A + T*|numeric|"), text);
        assertTrue(text.contains("--tol <T> relative tolerance (default 1e-4)"), text);
    }
}
