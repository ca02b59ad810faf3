package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dlmc grad --format dlm} writes valid DLM that {@code dlmc run} accepts and that computes
 * the gradient: with a slice (whose gradient is a pad) and f64/i64 inputs with defaults.
 * (Every op's DLM form is checked by dlm.compiler.codegen.DlmSourceRoundTripTest.)
 */
class GradDlmFormatTest {
    @TempDir
    Path tmp;

    @Test
    void aSlicesGradientAndF64DefaultsRoundTripThroughDlmcRun() throws IOException {
        Path f = tmp.resolve("s.dlm");
        Files.writeString(f, """
                model S(x: f64[4] = [0.1, 0.2, 0.3, 0.4], i: i64[2] = [1, 2]) {
                    param w: f64[4] = 0.5
                    val y = (x * w)[1:3]
                    loss = sum(y * y) + sum(i.toF64())
                }
                """);
        CliRunner g = CliRunner.run("grad", f.toString(), "--format", "dlm");
        assertEquals(0, g.status(), g.err());
        assertTrue(g.out().contains("primitive(\"pad\", "), g.out());
        assertTrue(g.out().contains("x: f64[4] = tensor([0.1, 0.2, 0.3, 0.4], dtype = f64)"), g.out());
        Path gen = tmp.resolve("gen.dlm");
        Files.writeString(gen, g.out());
        CliRunner r = CliRunner.run("run", gen.toString());
        assertEquals(0, r.status(), r.err() + "\n" + g.out());
        // d/dw sum((x w)[1:3]^2) = 2 x^2 w on entries 1 and 2, else 0; w = 0.5: x^2
        assertEquals("SGradients.output = array([0.  , 0.04, 0.09, 0.  ], dtype=f64)", r.out().strip());
        CliRunner orig = CliRunner.run("grad", f.toString());
        assertTrue(orig.out().contains("grad(loss, w) = array([0.  , 0.04, 0.09, 0.  ], dtype=f64)"), orig.out());
    }

    @Test
    void padCanBeWrittenByHand() throws IOException {
        Path f = tmp.resolve("p.dlm");
        Files.writeString(f, "println(primitive(\"pad\", [1.0, 2.0], axes = [0], lows = [1], highs = [2], interiors = [1]))\n");
        CliRunner r = CliRunner.run("run", f.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("array([0., 1., 0., 2., 0., 0.])", r.out().strip());
    }
}
