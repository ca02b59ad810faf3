package dlm.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dlm.compiler.codegen.CodegenTestSupport.G;
import dlm.compiler.interp.Interpreter;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Node;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Outputs that overwrite a param's array: every reader of the old value runs first, whether the
 * update is stored directly by its group or copied at the end, including updates that read each
 * other's params (a swap) or read their own param transposed.
 */
class InPlaceTest {

    /** Compiles with {@code update:NAME} written into param NAME, runs once, compares with the interpreter. */
    private static Compilation run(G g, ParamStore params, long expectedCopies) {
        Map<String, String> inPlace = new LinkedHashMap<>();
        for (String out : g.g.outputs().keySet()) if (out.startsWith("update:")) inPlace.put(out, out.substring(7));
        Map<Node, Tensor> values = new Interpreter(g.g, params).run(Map.of(), new ArrayList<>(g.g.outputs().values()));
        Map<String, Tensor> want = new HashMap<>();
        for (var e : g.g.outputs().entrySet()) want.put(e.getKey(), values.get(e.getValue()).copy());
        Compilation c = Codegen.compile(g.g, Map.of(), inPlace, "InPlace", Codegen.Options.defaults());
        CodegenTestSupport.verify(c.classBytes());
        CodegenTestSupport.assertPlanSound(c);
        Map<String, Tensor> bind = new HashMap<>(params.all());
        CompiledGraph cg = c.instantiate(bind);
        cg.run();
        for (var e : want.entrySet()) {
            Tensor got = e.getKey().startsWith("update:") ? params.get(e.getKey().substring(7)) : cg.output(e.getKey());
            CodegenTestSupport.assertClose(e.getValue(), got, 1e-5); // f32 products accumulate in float
        }
        long copies = c.plan.schedule.stream().filter(u -> u instanceof Unit.Move && !u.inPlace.isEmpty()).count();
        assertEquals(expectedCopies, copies, "update steps that copy");
        return c;
    }

    private static ParamStore params(Random r, String... names) {
        ParamStore ps = new ParamStore();
        for (String n : names) ps.set(n, CodegenTestSupport.random(DType.F32, new int[] {3, 3}, r));
        return ps;
    }

    @Test
    void readersOfTheOldValueRunBeforeTheUpdateWritesIt() {
        G g = new G();
        Node p = g.param("p", DType.F32, 3, 3);
        Node other = g.param("q", DType.F32, 3, 3);
        // the update of p is computed by a loop that reads p; a product and a sum read the old p too
        Node update = g.op("sub", p, g.op("mul", g.scalar(DType.F32, 0.5), p));
        Node product = g.op("matmul", other, g.op("transpose", p));
        g.out("update:p", update).out("product", product).out("total", g.op("sum", p));
        run(g, params(new Random(1), "p", "q"), 0);
    }

    @Test
    void swappedParamsAreCopiedFromSnapshots() {
        G g = new G();
        Node a = g.param("a", DType.F32, 3, 3), b = g.param("b", DType.F32, 3, 3);
        g.out("update:a", b).out("update:b", a);
        run(g, params(new Random(2), "a", "b"), 2);
    }

    @Test
    void anUpdateReadingItsOwnParamTransposedIsNotWrittenWhileRead() {
        G g = new G();
        Node p = g.param("p", DType.F32, 3, 3);
        g.out("update:p", g.op("add", p, g.op("transpose", p)));
        run(g, params(new Random(3), "p"), 1);
        G h = new G();
        Node p2 = h.param("p", DType.F32, 3, 3);
        h.out("update:p", h.op("transpose", p2));
        run(h, params(new Random(4), "p"), 1);
    }

    @Test
    void updatesThatReadEachOthersParamsStillGetAnOrder() {
        G g = new G();
        Node a = g.param("a", DType.F32, 3, 3), b = g.param("b", DType.F32, 3, 3);
        g.out("update:a", g.op("mul", a, b)).out("update:b", g.op("sub", b, a));
        run(g, params(new Random(5), "a", "b"), 1);
    }

    @Test
    void anUpdateThatIsAKernelResultIsCopiedAfterItsReaders() {
        G g = new G();
        Node a = g.param("a", DType.F32, 3, 3), b = g.param("b", DType.F32, 3, 3);
        g.out("update:a", g.op("matmul", a, b)).out("update:b", g.op("softmax", Attrs.of("axis", 1), a));
        run(g, params(new Random(6), "a", "b"), 2);
    }
}
