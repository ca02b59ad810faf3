package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: exit statuses, help, version, formats, located errors without stack traces. */
class CliTest {
    @TempDir
    Path tmp;

    private Path write(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void versionAndHelp() {
        CliRunner v = CliRunner.run("--version");
        assertEquals(0, v.status());
        assertTrue(v.out().startsWith("dlmc "), v.out());
        CliRunner h = CliRunner.run("--help");
        assertEquals(0, h.status());
        assertTrue(h.out().contains("check") && h.out().contains("graph") && h.out().contains("run"), h.out());
        for (String cmd : new String[] {"check", "graph", "run"}) {
            CliRunner c = CliRunner.run(cmd, "--help");
            assertEquals(0, c.status(), cmd);
            assertTrue(c.out().contains("usage: dlmc " + cmd), c.out());
        }
    }

    @Test
    void usageErrorsExitWith2() {
        assertEquals(2, CliRunner.run().status());
        CliRunner u = CliRunner.run("frobnicate", "x.dlm");
        assertEquals(2, u.status());
        assertTrue(u.err().contains("unknown command 'frobnicate'"), u.err());
        CliRunner missing = CliRunner.run("check");
        assertEquals(2, missing.status());
        assertTrue(missing.err().contains("missing FILE.dlm"), missing.err());
        CliRunner nofile = CliRunner.run("check", tmp.resolve("nope.dlm").toString());
        assertEquals(2, nofile.status());
        assertTrue(nofile.err().contains("no such file"), nofile.err());
        CliRunner badOpt = CliRunner.run("graph", TestFiles.example("mnist.dlm").toString(), "--format", "svg");
        assertEquals(2, badOpt.status());
        assertTrue(badOpt.err().contains("--format must be one of text, dot, got 'svg'"), badOpt.err());
        CliRunner unknownOpt = CliRunner.run("check", "--frob", TestFiles.example("mnist.dlm").toString());
        assertEquals(2, unknownOpt.status());
    }

    @Test
    void userErrorsExitWith1AndAreLocated() throws IOException {
        Path f = write("bad.dlm", "val x = [1, 2, 3]\nval y = x + [1, 2]\n");
        CliRunner r = CliRunner.run("check", f.toString());
        assertEquals(1, r.status());
        assertEquals(f + ":2:11: error: cannot broadcast i32[3] with i32[2]: axis 0 is 3 vs 2\nval y = x + [1, 2]\n          ^\n", r.err());
        assertFalse(r.err().contains("at dlm."), "no stack trace");
        assertEquals("", r.out());
    }

    @Test
    void syntaxErrorsAreLocated() throws IOException {
        Path f = write("syntax.dlm", "val x = (1 + 2\n");
        CliRunner r = CliRunner.run("check", f.toString());
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith(f + ":"), r.err());
        assertTrue(r.err().contains(": error: "), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void graphTextHasOneNodeALineWithTypesAndSourceLines() {
        CliRunner r = CliRunner.run("graph", TestFiles.example("figure_2_22.dlm").toString());
        assertEquals(0, r.status(), r.err());
        String out = r.out();
        assertTrue(out.startsWith("graph Figure ("), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("\\s+x\\s+= input default=array\\(2\\.\\)\\s+: f32\\s+figure_2_22.dlm:4")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("\\s+w\\s+= param init=constant\\(value = 3.0\\)\\s+: f32\\s+figure_2_22.dlm:5")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("\\s+x1\\s+= mul\\(x, w\\)\\s+: f32\\s+figure_2_22.dlm:7")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("\\s+x2\\s+= add\\(x1, b\\)\\s+: f32\\s+figure_2_22.dlm:8")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("\\s+loss\\s+= abs\\(%\\d+\\)\\s+: f32\\s+figure_2_22.dlm:9")), out);
        assertTrue(out.contains("  loss -> loss\n"), out);
    }

    @Test
    void graphDot() {
        CliRunner r = CliRunner.run("graph", TestFiles.example("mnist.dlm").toString(), "--format", "dot");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("digraph \"Mnist\" {"), r.out());
        assertTrue(r.out().contains("hidden.W\\nparam\\nf32[784, 512]"), r.out());
        assertTrue(r.out().contains("->"), r.out());
        assertTrue(r.out().trim().endsWith("}"), r.out());
    }

    @Test
    void mnistGraphShowsTheChaptersShapes() {
        CliRunner r = CliRunner.run("graph", TestFiles.example("mnist.dlm").toString());
        String out = r.out();
        assertTrue(out.contains("u8[batch, 784]"), out);
        assertTrue(out.contains("f32[batch, 512]"), out);
        assertTrue(out.lines().anyMatch(l -> l.contains("matmul(x, hidden.W)") && l.contains("f32[batch, 512]")), out);
        assertTrue(out.lines().anyMatch(l -> l.contains("softmax") && l.contains("f32[batch, 10]")), out);
    }

    @Test
    void runPrintsScriptValues() throws IOException {
        Path f = write("s.dlm", "val a = [1.0, 2.0, 3.0]\nprintln(\"sum:\", sum(a), a.shape)\nprintln(a * 2f)\n");
        CliRunner r = CliRunner.run("run", f.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("sum: array(6.) (3,)\narray([2., 4., 6.])\n", r.out());
    }

    @Test
    void runtimeShapeErrorsAreLocatedToo() throws IOException {
        Path f = write("m.dlm", "model M(x: f32[3] = [1.0, 2.0, 3.0]) {\n    return oneHot([12], 10)\n}\n");
        CliRunner r = CliRunner.run("run", f.toString());
        assertEquals(1, r.status(), r.out());
        assertTrue(r.err().startsWith(f + ":2:12: error: oneHot: label 12 is out of range for depth 10"), r.err());
    }
}
