package dlm.compiler.check;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dlm.compiler.Frontend;
import dlm.compiler.interp.Interpreter;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Node;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A literal takes the precision of the type it is used at: float list literals used as f64 (or
 * f16) are built from their exact values, never rounded through f32 first, as scalars already were.
 */
class LiteralPrecisionTest {

    @Test
    void floatListLiteralsInAnF64ContextAreExact() {
        List<Tensor> v = values("""
                val a = tensor(0.1, dtype = f64)
                val b: f64[3] = [1000.1, 1000.2, 1000.3]
                val c = tensor([[0.1], [0.2]], dtype = f64)
                val d = [0.1, 0.3].toF64()
                val e = cast([0.7], f64)
                val f: f32[2] = [0.1, 0.2]
                println(a, b, c, d, e, f)
                """);
        assertArrayEquals(new double[] {0.1}, v.get(0).toDoubles());
        assertArrayEquals(new double[] {1000.1, 1000.2, 1000.3}, v.get(1).toDoubles());
        assertArrayEquals(new double[] {0.1, 0.2}, v.get(2).toDoubles());
        assertArrayEquals(new int[] {2, 1}, v.get(2).shape());
        assertArrayEquals(new double[] {0.1, 0.3}, v.get(3).toDoubles());
        assertArrayEquals(new double[] {0.7}, v.get(4).toDoubles());
        for (int i = 0; i < 5; i++) assertEquals(DType.F64, v.get(i).dtype());
        // f32 stays f32, rounded once
        assertEquals(DType.F32, v.get(5).dtype());
        assertArrayEquals(new double[] {0.1f, 0.2f}, v.get(5).toDoubles());
    }

    @Test
    void anI64ScalarBeyondI32IsNotWrapped() {
        List<Tensor> v = values("""
                val a = tensor(8589934592, dtype = i64)
                val b = tensor(-9007199254740992, dtype = i64)
                val c = tensor(-1, dtype = i64)
                println(a, b, c)
                """);
        assertEquals(8589934592L, v.get(0).getLong(0));
        assertEquals(-9007199254740992L, v.get(1).getLong(0));
        assertEquals(-1L, v.get(2).getLong(0));
        for (Tensor t : v) assertEquals(DType.I64, t.dtype());
    }

    @Test
    void anF64InputDefaultIsExactLikeAScalarDefault() {
        CheckedProgram p = Frontend.compile("t.dlm", """
                model M(x: f64[3] = [1000.1, 1000.2, 1000.3], s: f64 = 0.1) {
                    loss = sum(x * s)
                }
                """);
        var g = p.models().get("M").graph();
        Node x = g.inputs().stream().filter(n -> n.name().equals("x")).findFirst().orElseThrow();
        Node s = g.inputs().stream().filter(n -> n.name().equals("s")).findFirst().orElseThrow();
        assertArrayEquals(new double[] {1000.1, 1000.2, 1000.3}, x.attrs().getTensor("default").toDoubles());
        assertArrayEquals(new double[] {0.1}, s.attrs().getTensor("default").toDoubles());
    }

    @Test
    void integerLiteralsTakeTheirInputsDtypeAndConstantExpressionsAreDefaults() {
        CheckedProgram p = Frontend.compile("t.dlm", """
                model M(i: i64[2] = [5000000000, -1], j: i64[2] = tensor([3, 4], dtype = i64), k: f32[2] = full(2, value = 1.5) * 2f) {
                    loss = sum(i.toF32() + j.toF32() + k)
                }
                """);
        var g = p.models().get("M").graph();
        Tensor i = g.inputs().get(0).attrs().getTensor("default"), j = g.inputs().get(1).attrs().getTensor("default"), k = g.inputs().get(2).attrs().getTensor("default");
        assertEquals(DType.I64, i.dtype());
        assertEquals(5000000000L, i.getLong(0));
        assertEquals(-1, i.getLong(1));
        assertEquals(4, j.getLong(1));
        assertArrayEquals(new double[] {3, 3}, k.toDoubles());
    }

    /** The tensors a program prints, evaluated by the reference interpreter. */
    static List<Tensor> values(String src) {
        CheckedProgram p = Frontend.compile("t.dlm", src);
        List<Node> targets = new ArrayList<>();
        for (PrintAction a : p.prints()) for (Value v : a.items()) if (v instanceof Value.TensorV t) targets.add(t.node());
        Map<Node, Tensor> vals = new Interpreter(p.script(), new ParamStore()).run(Map.of(), targets);
        return targets.stream().map(vals::get).toList();
    }
}
