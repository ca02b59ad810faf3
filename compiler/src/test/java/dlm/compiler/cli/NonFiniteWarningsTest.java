package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dlmc run} keeps NumPy's values for 1/0, log(-1), sqrt of negatives and f16 overflow, and,
 * like NumPy's RuntimeWarning, says where each NaN or inf was made (exit 0).
 */
class NonFiniteWarningsTest {
    @TempDir
    Path tmp;

    @Test
    void scriptValuesWarnWhereTheyBecomeNonFinite() throws IOException {
        Path f = tmp.resolve("div.dlm");
        Files.writeString(f, """
                val zero = [0f, 1f]
                println([1f, 2f] / zero)
                println(log([-1f, 1f]))
                println(sqrt([-1f, 4f]))
                println([60000f].toF16() * 2)
                println(1f / 0f)
                println(log(0f))
                println([1f, 2f] + 1f)
                """);
        CliRunner r = CliRunner.run("run", f.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("array([inf,  2.])"), r.out());
        assertTrue(r.out().contains("array([nan,  0.])"), r.out());
        assertTrue(r.out().contains("array([nan,  2.])"), r.out());
        assertTrue(r.out().contains("array([inf], dtype=f16)"), r.out());
        String err = r.err();
        for (String w : new String[] {f + ":2:18: warning: division by zero gives inf\nprintln([1f, 2f] / zero)\n                 ^",
                f + ":3:9: warning: log of a negative number gives nan", f + ":4:9: warning: sqrt of a negative number gives nan",
                f + ":5:26: warning: overflow in mul gives inf (f16 holds at most 65504)", f + ":6:12: warning: division by zero gives inf",
                f + ":7:9: warning: log of zero gives -inf"})
            assertTrue(err.contains(w), "missing\n" + w + "\nin\n" + err);
        assertEquals(6, err.split(": warning: ", -1).length - 1, err);
    }

    @Test
    void log1pSaysWhichDomainItLeft() throws IOException {
        Path f = tmp.resolve("log1p.dlm");
        Files.writeString(f, """
                println(log1p([-2f, 1f]))
                println(log1p([-1f, 1f]))
                println(log1p(-1.5))
                """);
        CliRunner r = CliRunner.run("run", f.toString());
        assertEquals(0, r.status(), r.err());
        String err = r.err();
        for (String w : new String[] {f + ":1:9: warning: log1p of a number below -1 gives nan", f + ":2:9: warning: log1p of -1 gives -inf",
                f + ":3:9: warning: log1p of a number below -1 gives nan"})
            assertTrue(err.contains(w), "missing\n" + w + "\nin\n" + err);
        assertEquals(3, err.split(": warning: ", -1).length - 1, err);
    }

    @Test
    void modelsRunWarnOnBothBackends() throws IOException {
        Path f = tmp.resolve("model.dlm");
        Files.writeString(f, """
                model M(x: f32[2] = [1, 0]) {
                    val y = x * 2f
                    return 1f / y
                }
                """);
        for (String backend : new String[] {"jit", "interp"}) {
            CliRunner r = CliRunner.run("run", f.toString(), "--backend", backend);
            assertEquals(0, r.status(), r.err());
            assertTrue(r.out().contains("M.output = array([0.5, inf])"), r.out());
            assertEquals(f + ":3:15: warning: division by zero gives inf\n    return 1f / y\n              ^\n", r.err(), backend);
        }
    }

    @Test
    void finiteProgramsHaveNoWarnings() throws IOException {
        Path f = tmp.resolve("ok.dlm");
        Files.writeString(f, "println(log([1f, 2f]) / [2f, 4f])\n");
        CliRunner r = CliRunner.run("run", f.toString());
        assertEquals(0, r.status());
        assertEquals("", r.err());
    }
}
