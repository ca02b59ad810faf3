package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.parse.Parser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Long flat expressions (a 100,000-term sum, 20,000 chained calls) are checked and run without
 * recursion proportional to their length; real nesting past {@link Parser#MAX_NESTING} is a
 * located error — never a StackOverflowError.
 */
class LongExpressionsCliTest {
    @TempDir
    Path tmp;

    private CliRunner run(String name, String source, String... extra) throws IOException {
        Path f = Files.writeString(tmp.resolve(name), source);
        String[] args = new String[extra.length + 2];
        args[0] = "run";
        args[1] = f.toString();
        System.arraycopy(extra, 0, args, 2, extra.length);
        return CliRunner.run(args);
    }

    private static void noCrash(CliRunner r) {
        assertFalse(r.err().contains("internal error") || r.err().contains("StackOverflow"), r.err().substring(0, Math.min(500, r.err().length())));
    }

    @Test
    void aHundredThousandTermSumRunsOnBothBackends() throws IOException {
        String src = "model M(x: f32[3] = [1f, 2f, 3f]) {\n    return " + String.join(" + ", java.util.Collections.nCopies(100_000, "x")) + "\n}\n"
                + "val n = " + String.join(" + ", java.util.Collections.nCopies(100_000, "1")) + "\nprintln(n)\n";
        for (String backend : new String[] {"jit", "interp"}) {
            CliRunner r = run("sum.dlm", src, "--backend", backend);
            noCrash(r);
            assertEquals(0, r.status(), r.err());
            assertEquals("100000\nM.output = array([100000., 200000., 300000.])\n", r.out(), backend);
        }
    }

    @Test
    void twentyThousandChainedCallsRun() throws IOException {
        String src = "model M(x: f32[2] = [4f, 9f]) {\n    return x" + ".sqrt().square()".repeat(10_000) + "[0:1]" + ".abs()".repeat(100) + "\n}\n"
                + "println(ones(2, 3)" + ".reshape(3, 2).reshape(2, 3)".repeat(10_000) + ".shape)\n";
        CliRunner r = run("chain.dlm", src);
        noCrash(r);
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("(2, 3)\nM.output = array([4"), r.out());
    }

    @Test
    void nestingUpToTheLimitWorksAndDeeperIsALocatedError() throws IOException {
        int n = Parser.MAX_NESTING - 1; // one level is the model's own braces
        CliRunner ok = run("ok.dlm", "model M(x: f32[2] = [-1f, 2f]) {\n    return " + "abs(".repeat(n) + "x" + ")".repeat(n) + "\n}\n");
        noCrash(ok);
        assertEquals(0, ok.status(), ok.err());
        assertEquals("M.output = array([1., 2.])\n", ok.out());

        String deep = "val a = 1\nval x = " + "(1 + ".repeat(5_000) + "1" + ")".repeat(5_000) + "\n";
        CliRunner r = run("deep.dlm", deep);
        noCrash(r);
        assertEquals(1, r.status());
        int col = "val x = ".length() + Parser.MAX_NESTING * "(1 + ".length() + 1;
        assertTrue(r.err().startsWith(tmp.resolve("deep.dlm") + ":2:" + col + ": error: expression nested too deeply: more than "
                + Parser.MAX_NESTING + " brackets open at once"), r.err().substring(0, 300));

        CliRunner calls = run("calls.dlm", "val x = " + "abs(".repeat(20_000) + "1f" + ")".repeat(20_000) + "\n");
        noCrash(calls);
        assertEquals(1, calls.status());
        assertTrue(calls.err().contains(":1:" + ("val x = ".length() + Parser.MAX_NESTING * 4 + 4) + ": error: expression nested too deeply"), calls.err().substring(0, 300));

        CliRunner neg = run("neg.dlm", "val x = " + "-".repeat(100_000) + "1\n");
        noCrash(neg);
        assertEquals(1, neg.status());
        assertTrue(neg.err().contains(":1:" + ("val x = ".length() + Parser.MAX_NESTING + 1) + ": error: expression nested too deeply: more than "
                + Parser.MAX_NESTING + " prefix operators in a row"), neg.err().substring(0, 300));
    }
}
