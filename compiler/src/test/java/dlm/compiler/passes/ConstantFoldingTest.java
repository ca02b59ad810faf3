package dlm.compiler.passes;

import static dlm.compiler.passes.PassTestSupport.assertSameValues;
import static dlm.compiler.passes.PassTestSupport.assertWellFormed;
import static dlm.compiler.passes.PassTestSupport.expr;
import static dlm.compiler.passes.PassTestSupport.f32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.compiler.passes.PassTestSupport.Builder;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import org.junit.jupiter.api.Test;

class ConstantFoldingTest {

    private static Graph fold(Builder b, String expected) {
        PassResult r = new ConstantFolding().run(b.g);
        assertEquals(expected, expr(r.graph(), "out"));
        assertWellFormed(r.graph());
        assertSameValues(b.g, r.graph(), 3, true);
        return r.graph();
    }

    @Test
    void aConstantExpressionBecomesOneConstantWithTheSpanAndNameOfTheNodeItReplaces() {
        Builder b = new Builder();
        Node x = b.input("x", f32("batch", 3));
        Node k = b.named("k", b.op("add", b.f(2), b.f(3)));
        b.out("out", b.op("mul", x, k));
        Graph g = fold(b, "mul(x, 5.0)");
        Node folded = g.output("out").input(1);
        assertTrue(folded.is("constant"));
        assertEquals("k", folded.name());
        assertEquals(k.span(), folded.span());
    }

    @Test
    void chainsFoldInOnePass() {
        Builder b = new Builder();
        Node x = b.input("x", f32(3));
        Node c = b.constant(Tensor.f32(1, 2, 3));
        Node total = b.op("sum", Attrs.of("axes", new int[] {0}, "keepdims", true), c);
        Node e = b.op("sub", b.op("exp", b.op("neg", c)), b.op("broadcastTo", Attrs.of("shape", Shape.of(3)), total));
        b.out("out", b.op("add", x, e));
        Graph g = fold(b, "add(x, const[3])");
        float[] want = new float[3];
        for (int i = 0; i < 3; i++) want[i] = (float) (Math.exp(-(i + 1)) - 6);
        assertEquals(Tensor.f32(want), g.output("out").input(1).attrs().getTensor("value"));
        // every computed node became a constant (c and the 5 folded ones; DCE drops the now unused ones)
        assertEquals(java.util.Map.of("input", 1, "constant", 6, "add", 1), PassTestSupport.opCounts(g));
    }

    @Test
    void largeResultsAreNotFolded() {
        Builder b = new Builder();
        Node x = b.input("x", f32(100, 100));
        b.out("out", b.op("add", x, b.op("broadcastTo", Attrs.of("shape", Shape.of(100, 100)), b.f(1))));
        fold(b, "add(x, broadcastTo(1.0){shape=[100, 100]})");
        // …unless the limit allows it
        Graph big = new ConstantFolding(10_000, 1 << 20).apply(b.g);
        assertEquals("add(x, 1.0[100,100])", expr(big, "out"));
        assertEquals(ConstantFolding.DEFAULT_MAX_ELEMENTS, new ConstantFolding().maxElements());
    }

    @Test
    void symbolicShapesAreNotFolded() {
        Builder b = new Builder();
        Node x = b.input("x", f32("batch", 3));
        b.out("out", b.op("add", x, b.op("broadcastTo", Attrs.of("shape", Shape.of(Dim.sym("batch"), Dim.of(3))), b.f(1))));
        fold(b, "add(x, broadcastTo(1.0){shape=[batch, 3]})");
    }

    @Test
    void inputsAndParamsAreNeverFolded() {
        Builder b = new Builder();
        Node x = b.input("x", f32(3));
        Node w = b.param("w", f32(3), 2.0);  // a constant initializer is still a trainable weight
        b.out("out", b.op("mul", x, b.op("neg", w)));
        PassResult r = new ConstantFolding().run(b.g);
        assertEquals("mul(x, neg(w))", expr(r.graph(), "out"));
        assertEquals(0, r.changes());
    }

    @Test
    void evaluationErrorsAreLeftForRunTime() {
        Builder b = new Builder();
        Node x = b.input("x", dlm.compiler.passes.PassTestSupport.type(DType.I32, 3));
        b.out("out", b.op("add", x, b.op("div", b.splat(DType.I32, 1), b.splat(DType.I32, 0))));
        PassResult r = new ConstantFolding().run(b.g);
        assertEquals("add(x, div(1, 0))", expr(r.graph(), "out"));
        assertEquals(0, r.changes());
    }

    @Test
    void theMappingPointsOldNodesAtTheirFoldedConstants() {
        Builder b = new Builder();
        Node x = b.input("x", f32(3));
        Node sum = b.op("add", b.f(1), b.f(2));
        b.out("out", b.op("mul", x, sum));
        PassResult r = new ConstantFolding().run(b.g);
        Node c = r.mapping().get(sum);
        assertTrue(c.is("constant"));
        assertSame(sum, r.origins().get(c));
        assertSame(r.graph().output("out").input(1), c);
        assertEquals(1, r.changes());
    }
}
