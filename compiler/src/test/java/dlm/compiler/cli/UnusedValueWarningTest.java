package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An expression statement whose value is dropped is dead code, most often a continuation line
 * starting with '+' (which, as in Kotlin, ends the expression above): a located warning.
 */
class UnusedValueWarningTest {
    @TempDir
    Path tmp;

    @Test
    void aLineStartingWithPlusIsAWarnedDeadValue() throws IOException {
        Path f = tmp.resolve("plus.dlm");
        Files.writeString(f, """
                val a = [1f, 2f]
                val b = a * 2f
                    + a
                println(b)
                """);
        for (String cmd : new String[] {"check", "run"}) {
            CliRunner r = CliRunner.run(cmd, f.toString());
            assertEquals(0, r.status(), r.err());
            assertEquals(f + ":3:5: warning: the value of this expression is unused: a line starting with '+' begins a new statement (as in Kotlin),"
                    + " it does not continue the line above; to continue it, end the line above with '+'\n    + a\n    ^~~\n", r.err(), cmd);
        }
        assertTrue(CliRunner.run("run", f.toString()).out().contains("array([2., 4.])"));
    }

    @Test
    void otherDroppedValuesWarnButPrintsAndLambdaResultsDoNot() throws IOException {
        Path f = tmp.resolve("dead.dlm");
        Files.writeString(f, """
                import std.nn.*
                val a = [1f, 2f]
                a * 3f
                println(a)
                val f = { x: f32[2] -> x * 2f }
                println(f(a))
                model M(x: f32[batch, 4]) {
                    dense(x, units = 3)
                    return dense(x, units = 2)
                }
                """);
        CliRunner r = CliRunner.run("check", f.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(f + ":3:1: warning: the value of this expression is unused\na * 3f\n^~~~~~\n"
                + f + ":8:5: warning: the value of this expression is unused\n    dense(x, units = 3)\n    ^~~~~~~~~~~~~~~~~~~\n", r.err());
    }
}
