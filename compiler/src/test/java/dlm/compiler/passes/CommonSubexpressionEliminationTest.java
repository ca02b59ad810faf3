package dlm.compiler.passes;

import static dlm.compiler.passes.PassTestSupport.assertSameValues;
import static dlm.compiler.passes.PassTestSupport.assertWellFormed;
import static dlm.compiler.passes.PassTestSupport.evaluate;
import static dlm.compiler.passes.PassTestSupport.expr;
import static dlm.compiler.passes.PassTestSupport.f32;
import static dlm.compiler.passes.PassTestSupport.opCounts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.compiler.passes.PassTestSupport.Builder;
import dlm.runtime.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommonSubexpressionEliminationTest {

    private static PassResult cse(Builder b) {
        PassResult r = new CommonSubexpressionElimination().run(b.g);
        assertWellFormed(r.graph());
        assertSameValues(b.g, r.graph(), 3, true);
        return r;
    }

    /** The regression: equal-looking params (and inputs) are different values and must stay apart. */
    @Test
    void distinctParamsAndInputsAreNeverMerged() {
        Builder b = new Builder();
        Node x1 = b.input("x1", f32("batch", 3));
        Node x2 = b.input("x2", f32("batch", 3));
        Node w1 = b.param("w1", f32(3), 0.5);
        Node w2 = b.param("w2", f32(3), 0.5);
        b.out("out", b.op("add", b.op("mul", x1, w1), b.op("mul", x2, w2)));
        PassResult r = cse(b);
        assertEquals(0, r.changes());
        assertEquals("add(mul(x1, w1), mul(x2, w2))", expr(r.graph(), "out"));
        assertEquals(2, r.graph().params().size());
        assertEquals(2, r.graph().inputs().size());

        // They really are independent: training moves w1 and w2 apart, feeds differ.
        ParamStore ps = ParamStore.initialize(b.g, 0);
        ps.set("w2", Tensor.f32(10, 20, 30));
        Map<String, Tensor> feeds = Map.of("x1", Tensor.of(dlm.runtime.DType.F32, new int[] {1, 3}, 1, 1, 1),
                "x2", Tensor.of(dlm.runtime.DType.F32, new int[] {1, 3}, 2, 2, 2));
        assertEquals(Tensor.of(dlm.runtime.DType.F32, new int[] {1, 3}, 20.5, 40.5, 60.5), evaluate(r.graph(), ps, feeds).get("out"));
    }

    @Test
    void paramsWithTheSameNameAttrsAndTypeAreStillTwoParams() {
        Builder b = new Builder();
        Node w1 = b.param("w", f32(3), 0.5);
        Node w2 = b.param("w", f32(3), 0.5);
        Node x1 = b.input("x", f32(3));
        Node x2 = b.input("x", f32(3));
        b.out("out", b.op("add", b.op("add", w1, w2), b.op("add", x1, x2)));
        Graph g = new CommonSubexpressionElimination().apply(b.g);
        assertEquals(Map.of("param", 2, "input", 2, "add", 3), opCounts(g));
        Node out = g.output("out");
        assertNotSame(out.input(0).input(0), out.input(0).input(1));
        assertNotSame(out.input(1).input(0), out.input(1).input(1));
    }

    @Test
    void identicalConstantsAndTheExpressionsOnThemMerge() {
        Builder b = new Builder();
        Node x = b.input("x", f32(3));
        Node a = b.op("exp", b.op("add", x, b.constant(Tensor.f32(1, 2, 3))));
        Node c = b.op("exp", b.op("add", x, b.constant(Tensor.f32(1, 2, 3))));
        b.out("out", b.op("mul", a, c));
        PassResult r = cse(b);
        assertEquals(3, r.changes()); // the constant, then add, then exp
        Node out = r.graph().output("out");
        assertSame(out.input(0), out.input(1));
        assertEquals(Map.of("input", 1, "constant", 1, "add", 1, "exp", 1, "mul", 1), opCounts(r.graph()));
    }

    @Test
    void constantsMergeOnlyWhenBitwiseEqual() {
        Builder b = new Builder();
        Node x = b.input("x", f32(2));
        Node pz = b.constant(Tensor.f32(0f, 1f));
        Node nz = b.constant(Tensor.f32(-0f, 1f));
        Node f64 = b.constant(Tensor.of(dlm.runtime.DType.F64, new int[] {2}, 0, 1));
        Node other = b.constant(Tensor.of(dlm.runtime.DType.F32, new int[] {1, 2}, 0, 1));
        b.out("out", b.op("add", b.op("div", x, pz), b.op("div", x, nz)));
        b.out("f64", f64);
        b.out("other", other);
        PassResult r = cse(b);
        assertEquals(0, r.changes());
        assertEquals(4, opCounts(r.graph()).get("constant"));
    }

    @Test
    void differentAttrsOrOpsAreNotMerged() {
        Builder b = new Builder();
        Node x = b.input("x", f32(2, 2));
        b.out("out", b.op("add", b.op("sum", Attrs.of("axes", new int[] {0}), x), b.op("sum", Attrs.of("axes", new int[] {1}), x)));
        b.out("other", b.op("sub", b.op("mean", Attrs.of("axes", new int[] {0}), x), b.op("sum", Attrs.of("axes", new int[] {0}), x)));
        PassResult r = cse(b);
        assertEquals(1, r.changes()); // only the second sum over axis 0
        assertEquals(Map.of("input", 1, "sum", 2, "mean", 1, "add", 1, "sub", 1), opCounts(r.graph()));
    }

    @Test
    void theFirstNodeSurvivesWithItsNameOrTakesTheOthers() {
        Builder b = new Builder();
        Node x = b.input("x", f32(3));
        Node first = b.op("exp", x);
        Node second = b.named("z", b.op("exp", x));
        Node third = b.named("t", b.op("relu", x));
        Node fourth = b.named("u", b.op("relu", x));
        b.out("out", b.op("add", b.op("add", first, second), b.op("add", third, fourth)));
        PassResult r = cse(b);
        assertEquals("z", r.mapping().get(first).name());
        assertSame(r.mapping().get(first), r.mapping().get(second));
        assertEquals("t", r.mapping().get(fourth).name());
        assertEquals(first.span(), r.mapping().get(second).span());
        assertNotEquals(second.span(), r.mapping().get(second).span());
    }
}
