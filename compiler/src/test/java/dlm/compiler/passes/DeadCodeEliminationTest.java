package dlm.compiler.passes;

import static dlm.compiler.passes.PassTestSupport.assertSameValues;
import static dlm.compiler.passes.PassTestSupport.assertWellFormed;
import static dlm.compiler.passes.PassTestSupport.expr;
import static dlm.compiler.passes.PassTestSupport.f32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.compiler.passes.PassTestSupport.Builder;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeadCodeEliminationTest {

    @Test
    void keepsWhatTheOutputsUseAndEveryInputAndParam() {
        Builder b = new Builder();
        Node x = b.input("x", f32(3));
        Node unusedInput = b.input("unused", f32(3));
        Node w = b.param("w", f32(3), 1.0);
        Node unusedParam = b.param("v", f32(3), 1.0);
        Node dead = b.op("exp", b.op("mul", unusedInput, unusedParam));
        Node deadConst = b.f(7);
        b.out("out", b.op("add", x, w));
        PassResult r = new DeadCodeElimination().run(b.g);
        Graph g = r.graph();
        assertWellFormed(g);
        assertEquals(List.of("input", "input", "param", "param", "add"), g.nodes().stream().map(Node::opName).toList());
        assertEquals(List.of("x", "unused"), g.inputs().stream().map(Node::name).toList());
        assertEquals(List.of("w", "v"), g.params().stream().map(Node::name).toList());
        assertEquals("add(x, w)", expr(g, "out"));
        assertEquals(3, r.changes());
        assertNull(r.mapping().get(dead));
        assertNull(r.mapping().get(deadConst));
        assertFalse(r.mapping().containsKey(dead.input(0)));
        assertSameValues(b.g, g, 2, true);
    }

    @Test
    void everyOutputKeepsItsDependencies() {
        Builder b = new Builder();
        Node x = b.input("x", f32(3));
        Node e = b.op("exp", x);
        b.out("output", b.op("neg", e)).out("loss", b.op("sum", e));
        b.op("relu", x);
        PassResult r = new DeadCodeElimination().run(b.g);
        assertEquals(1, r.changes());
        assertEquals("neg(exp(x))", expr(r.graph(), "output"));
        assertEquals("sum(exp(x))", expr(r.graph(), "loss"));
        assertEquals(4, r.graph().size());
    }
}
