package dlm.compiler.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.cli.CliRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * stopGradient(x) is x in value and a constant to autodiff: d/dw (stopGradient(w) · w · x) is
 * w·x, not 2·w·x; a loss that reads w only through it has a zero gradient (and the op is listed
 * as non-differentiable in OpGradientsTest, since finite differences see the identity).
 */
class StopGradientTest {
    @TempDir
    Path tmp;

    @Test
    void valueIsTheInputAndTheGradientStops() throws IOException {
        Path f = Files.writeString(tmp.resolve("sg.dlm"), """
                model F(x: f32 = 3) {
                    param w: f32 = 2
                    param v: f32 = 5
                    loss = stopGradient(w) * w * x + stopGradient(v) * x
                }
                """);
        CliRunner r = CliRunner.run("grad", f.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().lines().toList().contains("grad(loss, w) = 6.0"), r.out());
        assertTrue(r.out().lines().toList().contains("grad(loss, v) = 0.0"), r.out());
        CliRunner run = CliRunner.run("run", f.toString());
        assertEquals("F.loss = array(27.)\n", run.out(), run.err());
    }
}
