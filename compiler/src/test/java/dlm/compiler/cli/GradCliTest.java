package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.Frontend;
import dlm.compiler.TestFiles;
import dlm.compiler.autodiff.Autodiff;
import dlm.compiler.check.CheckedModel;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.interp.Interpreter;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.runtime.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** dlmc grad and gradcheck: the chapter's gradients, formats, the DLM round trip, failures. */
class GradCliTest {
    @TempDir
    Path tmp;

    @Test
    void figure222PrintsTheChaptersGradients() {
        CliRunner r = CliRunner.run("grad", TestFiles.example("figure_2_22.dlm").toString());
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.contains("grad(loss, w) = 2.0"), r.out());
        assertTrue(lines.contains("grad(loss, b) = 1.0"), r.out());
        // every node of the backward graph names the source line it comes from
        for (String l : lines)
            if (l.contains(" = ") && !l.startsWith("grad(")) assertTrue(l.matches(".*figure_2_22\\.dlm:\\d+$"), l);
        CliRunner one = CliRunner.run("grad", TestFiles.example("figure_2_22.dlm").toString(), "--wrt", "b");
        assertTrue(one.out().endsWith("grad(loss, b) = 1.0\n"), one.out());
        assertTrue(!one.out().contains("grad(loss, w)"), one.out());
    }

    @Test
    void simplificationShrinksTheBackwardGraph() {
        String f = TestFiles.example("mnist.dlm").toString();
        int simplified = nodes(CliRunner.run("grad", f).out());
        int raw = nodes(CliRunner.run("grad", f, "--no-simplify").out());
        assertTrue(simplified < raw, simplified + " vs " + raw);
        CliRunner dot = CliRunner.run("grad", f, "--format", "dot");
        assertTrue(dot.out().startsWith("digraph \"Mnist gradients\""), dot.out());
    }

    private static int nodes(String graphText) {
        String first = graphText.lines().findFirst().orElseThrow();
        return Integer.parseInt(first.replaceAll(".*\\((\\d+) nodes\\).*", "$1"));
    }

    @Test
    void unknownWrtIsAUsageError() {
        CliRunner r = CliRunner.run("grad", TestFiles.example("mnist.dlm").toString(), "--wrt", "hidden.V");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("model Mnist has no param or input named 'hidden.V' (params: hidden.W, hidden.b, output.W, output.b)"), r.err());
    }

    /** The gradient printed as DLM is a program that checks and computes the same gradients. */
    @ParameterizedTest
    @ValueSource(strings = {"figure_2_22.dlm", "mnist.dlm", "mnist_from_scratch.dlm", "fashion_mnist.dlm"})
    void dlmFormatRoundTrips(String example) throws IOException {
        Path src = TestFiles.example(example);
        CliRunner r = CliRunner.run("grad", src.toString(), "--format", "dlm");
        assertEquals(0, r.status(), r.err());
        Path gen = tmp.resolve("gen.dlm");
        Files.writeString(gen, r.out());
        CliRunner check = CliRunner.run("check", gen.toString());
        assertEquals(0, check.status(), check.err() + "\n" + r.out());

        // the original gradients, at random inputs
        CheckedProgram p = Frontend.load(src);
        CheckedModel m = p.models().values().iterator().next();
        LossTarget t = LossTarget.of(p, m);
        List<Node> grads = Autodiff.grad(t.graph(), t.loss(), t.graph().params(), t.loss().span());
        Node output = t.graph().nodes().stream().filter(n -> "output".equals(n.name())).findFirst().orElse(null);
        Map<Node, Tensor> feeds = RandomFeeds.of(t.graph(), 3, 1, output);
        Map<Node, Tensor> want = new Interpreter(t.graph(), ParamStore.initialize(t.graph(), 1)).run(feeds, grads);

        // the generated program's outputs, with the same inputs (by name) and the same seed
        CheckedProgram q = Frontend.load(gen);
        Graph g = q.models().get(m.name() + "Gradients").graph();
        Map<Node, Tensor> genFeeds = new HashMap<>();
        for (var e : feeds.entrySet())
            for (Node in : g.inputs()) if (in.name().equals(e.getKey().name())) genFeeds.put(in, e.getValue());
        List<Node> outs = new ArrayList<>(g.outputs().values());
        Map<Node, Tensor> got = new Interpreter(g, ParamStore.initialize(g, 1)).run(genFeeds, outs);
        assertEquals(grads.size(), outs.size());
        for (int i = 0; i < grads.size(); i++) {
            Tensor a = want.get(grads.get(i)), b = got.get(outs.get(i));
            assertEquals(a.dtype(), b.dtype());
            for (int j = 0; j < a.size(); j++)
                assertEquals(a.getDouble(j), b.getDouble(j), 1e-6 * Math.max(1, Math.abs(a.getDouble(j))), example + " gradient " + i + " entry " + j);
        }
    }

    @Test
    void gradcheckPassesOnMnistAndFailsBelowTheNoiseFloor() {
        CliRunner r = CliRunner.run("gradcheck", TestFiles.example("mnist.dlm").toString());
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("  hidden\\.W +max \\|symbolic - numeric\\| \\d\\.\\d\\de[-+]\\d\\d \\([0-9.]+% of the allowed\\) over 16 of 401,408 entries  ok")), r.out());
        assertTrue(r.out().endsWith("gradcheck passed\n"), r.out());
        CliRunner strict = CliRunner.run("gradcheck", TestFiles.example("mnist.dlm").toString(), "--tol", "1e-30", "--atol", "0");
        assertEquals(1, strict.status(), strict.out());
        assertTrue(strict.out().contains("FAILED"), strict.out());
    }

    @Test
    void gradIsAnExpressionThatCanBeDifferentiatedAgain() throws IOException {
        Path f = tmp.resolve("g.dlm");
        Files.writeString(f, "val x = tensor(2.0)\nval y = x * x * x\nprintln(grad(y, x), grad(grad(y, x), x))\nprintln(grad(sum(x * [1.0, 2.0]), x))\n");
        CliRunner r = CliRunner.run("run", f.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("array(12.) array(12.)\narray(3.)\n", r.out());
        Files.writeString(f, "val x = tensor(2.0)\nval k = argmax([1.0, 3.0])\nprintln(grad(x * 2f, k.toF32()))\n");
        CliRunner e = CliRunner.run("run", f.toString());
        assertEquals(1, e.status());
        assertTrue(e.err().contains("error: grad("), e.err());
    }
}
