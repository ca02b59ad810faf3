package dlm.compiler.passes;

import static dlm.compiler.passes.PassTestSupport.assertProvenance;
import static dlm.compiler.passes.PassTestSupport.assertSameValues;
import static dlm.compiler.passes.PassTestSupport.assertWellFormed;
import static dlm.compiler.passes.PassTestSupport.expr;
import static dlm.compiler.passes.PassTestSupport.f32;
import static dlm.compiler.passes.PassTestSupport.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.compiler.passes.PassTestSupport.Builder;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PassPipelineTest {

    static final String SRC = """
            model M(x: f32[batch, 3], w: f32[3] = [1.0, 2.0, 3.0]) {
                param b: f32[3] = 0.5
                val y = x * 1f + 0f
                return sum(y * w + b, axis = 1)
            }
            """;

    @Test
    void theStandardPipelineOnASmallModel() {
        Graph g = model(SRC, "M");
        PipelineResult r = PassPipeline.standard().run(g);
        assertEquals("sum(add(mul(x, w), b)){keepdims=false, axes=[1]}", expr(r.graph(), "output"));
        // x, w, b, mul, add, sum: the two constants of `* 1f + 0f` and w's (unused) default literal are gone
        assertEquals(6, r.graph().size());
        assertTrue(r.converged());
        assertEquals(2, r.rounds());
        assertWellFormed(r.graph());
        assertSameValues(g, r.graph(), 4, true);
        assertProvenance(g, r);
        assertEquals(List.of("fold", "simplify", "cse", "dce"), PassPipeline.standard().passes().stream().map(GraphPass::name).toList());
    }

    @Test
    void statsAddUp() {
        Graph g = model(SRC, "M");
        PipelineResult r = PassPipeline.standard().run(g);
        List<PassStats> s = r.stats();
        assertEquals(r.rounds() * 4, s.size());
        assertEquals(g.size(), s.get(0).nodesBefore());
        assertEquals(r.graph().size(), s.get(s.size() - 1).nodesAfter());
        for (int i = 1; i < s.size(); i++) assertEquals(s.get(i - 1).nodesAfter(), s.get(i).nodesBefore(), "run " + i);
        for (int i = 0; i < s.size(); i++) {
            PassStats p = s.get(i);
            assertEquals(i / 4 + 1, p.round());
            assertTrue(p.nanos() >= 0);
            assertTrue(p.nodesAfter() <= p.nodesBefore(), "a pass never grows a graph");
            // DCE's changes are exactly the nodes it removed
            if (p.pass().equals("dce")) assertEquals(p.nodesBefore() - p.nodesAfter(), p.changes());
        }
        // the last round changed nothing: that is the fixed point
        assertTrue(s.subList(s.size() - 4, s.size()).stream().allMatch(p -> p.changes() == 0));
        assertEquals(g.size(), r.nodesBefore());
        assertEquals(6, r.nodesAfter());
    }

    @Test
    void renderPrintsATable() {
        PipelineResult r = PassPipeline.standard().run(model(SRC, "M"));
        String table = r.render();
        List<String> lines = table.lines().toList();
        assertEquals(r.stats().size() + 2, lines.size());
        assertTrue(Pattern.matches("pass +nodes before +after +time", lines.get(0)), lines.get(0));
        assertTrue(Pattern.matches("fold #1 +11 +11 +\\d+\\.\\d\\d ms", lines.get(1)), lines.get(1));
        assertTrue(Pattern.matches("simplify #1 +11 +9 +\\d+\\.\\d\\d ms", lines.get(2)), lines.get(2));
        assertTrue(Pattern.matches("dce #1 +9 +6 +\\d+\\.\\d\\d ms", lines.get(4)), lines.get(4));
        assertTrue(Pattern.matches("total \\(2 rounds\\) +11 +6 +\\d+\\.\\d\\d ms", lines.get(lines.size() - 1)), lines.get(lines.size() - 1));
        // columns line up: every line is as wide as the header (numbers are right-aligned)
        for (String l : lines) assertEquals(lines.get(0).length(), l.length(), l);
        assertEquals(table, PassStats.render(r.stats()));
        // the summed time is the total's
        double total = r.stats().stream().mapToLong(PassStats::nanos).sum() / 1e6;
        assertTrue(lines.get(lines.size() - 1).endsWith(String.format(java.util.Locale.ROOT, "%.2f ms", total)));
    }

    /** CSE exposes maximum(n, n) only after merging two neg(x): a second round is needed, and the cap can stop it. */
    @Test
    void roundsRunToAFixedPointWithinTheCap() {
        Builder b = new Builder();
        Node x = b.input("x", f32(3));
        b.out("out", b.op("maximum", b.op("neg", x), b.op("neg", x)));
        PipelineResult full = PassPipeline.standard().run(b.g);
        assertEquals("neg(x)", expr(full.graph(), "out"));
        assertEquals(3, full.rounds());
        assertTrue(full.converged());

        PipelineResult capped = PassPipeline.standard().maxRounds(1).run(b.g);
        assertEquals("maximum(neg(x), neg(x))", expr(capped.graph(), "out"));
        assertEquals(1, capped.rounds());
        assertFalse(capped.converged());
        assertEquals(4, capped.stats().size());
    }

    @Test
    void theResultIsAFixedPoint() {
        Graph once = PassPipeline.standard().apply(model(SRC, "M"));
        PipelineResult again = PassPipeline.standard().run(once);
        assertEquals(1, again.rounds());
        assertEquals(once.size(), again.graph().size());
        assertTrue(again.stats().stream().allMatch(p -> p.changes() == 0));
    }

    @Test
    void spansAndNamesSurvive() {
        String src = """
                model M(x: f32[batch, 3]) {
                    param w: f32[3, 3] = 0.5
                    param v: f32[3, 3] = 0.5
                    val a = x @ w
                    val c = -(-a) * 1f
                    val t = c.transpose().transpose()
                    val d = t - -(x @ v)
                    return relu(d + 0f)
                }
                """;
        Graph g = model(src, "M");
        PipelineResult r = PassPipeline.standard().run(g);
        assertEquals("relu(add(matmul(x, w), matmul(x, v)))", expr(r.graph(), "output"));
        for (Node n : r.graph().nodes()) assertFalse(n.span().isNone(), n.label());
        assertProvenance(g, r);
        // the named values: a survives as itself; d's replacement (an add made for d) carries d's span and name
        Node add = r.graph().output("output").input(0);
        assertEquals("d", add.name());
        assertEquals(7, add.span().line());
        assertEquals("a", add.input(0).name());
        assertEquals(List.of("w", "v"), r.graph().params().stream().map(Node::name).toList());
        assertSameValues(g, r.graph(), 3, false);
    }

    @Test
    void applyAndOfBuildCustomPipelines() {
        Graph g = model(SRC, "M");
        PassPipeline onlyDce = PassPipeline.of(new DeadCodeElimination());
        Graph out = onlyDce.apply(g);
        assertEquals(g.size() - 1, out.size()); // only w's default literal was dead
        assertEquals(PassPipeline.DEFAULT_MAX_ROUNDS, onlyDce.maxRounds());
    }
}
