package dlm.compiler.passes;

import static dlm.compiler.passes.PassTestSupport.expr;
import static dlm.compiler.passes.PassTestSupport.f32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.GraphPrinter;
import dlm.compiler.ir.Node;
import dlm.compiler.passes.PassTestSupport.Builder;
import java.util.List;
import org.junit.jupiter.api.Test;

class RewriterTest {

    @Test
    void aCopyPrintsLikeTheOriginalAndSharesNoNodes() {
        Builder b = new Builder();
        Node x = b.input("x", f32("batch", 3));
        Node w = b.param("w", f32(3), 0.5);
        b.out("output", b.named("y", b.op("mul", x, w))).out("loss", b.op("sum", b.g.output("output")));
        PassResult r = Rewriter.copyOf(b.g);
        assertEquals(GraphPrinter.text("M", b.g), GraphPrinter.text("M", r.graph()));
        assertEquals(0, r.changes());
        for (Node n : b.g.nodes()) {
            assertNotSame(n, r.mapping().get(n));
            assertSame(n, r.origins().get(r.mapping().get(n)));
        }
        assertEquals("sum(mul(x, w))", expr(r.graph(), "loss"));
    }

    @Test
    void createChecksTheTypeRuleAndAddsNothingOnFailure() {
        Builder b = new Builder();
        Node x = b.input("x", f32(3));
        Node y = b.op("exp", x);
        Rewriter rw = new Rewriter(b.g);
        rw.copy(x);
        Node nx = rw.get(x);
        assertNull(rw.create(y, "matmul", List.of(nx, nx, nx), Attrs.EMPTY));
        assertNull(rw.create(y, "reshape", List.of(nx), Attrs.of("shape", dlm.compiler.ir.Shape.of(2, 2))));
        assertEquals(1, rw.target().size());
        Node made = rw.create(y, "neg", List.of(nx), Attrs.EMPTY);
        assertEquals(y.span(), made.span());
        assertNull(made.name());
    }

    @Test
    void aReplacementMustHaveTheSameType() {
        Builder b = new Builder();
        Node x = b.input("x", f32(3));
        Node s = b.op("sum", x);
        Rewriter rw = new Rewriter(b.g);
        rw.copy(x);
        assertThrows(IllegalArgumentException.class, () -> rw.replace(s, rw.get(x)));
    }

    @Test
    void aDroppedOutputIsAnError() {
        Builder b = new Builder();
        Node x = b.input("x", f32(3));
        Node e = b.op("exp", x);
        b.out("out", e);
        Rewriter rw = new Rewriter(b.g);
        rw.copy(x);
        rw.drop(e);
        assertThrows(IllegalStateException.class, rw::finish);
    }
}
