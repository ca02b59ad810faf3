package dlm.compiler.interp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedModel;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.diag.DlmException;
import dlm.compiler.ir.Node;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Programs evaluated end to end by the reference interpreter, with symbolic dims bound at run time. */
class InterpreterTest {

    private static CheckedModel model(String src, String name) {
        CheckedProgram p = Frontend.compile("t.dlm", src);
        return p.models().get(name);
    }

    @Test
    void figure222() {
        CheckedModel m = model("model F(x: f32 = 2, yTrue: f32 = 4) {\n param w: f32 = 3\n param b: f32 = 1\n val x1 = x * w\n val x2 = x1 + b\n loss = abs(yTrue - x2)\n}\n", "F");
        Interpreter in = new Interpreter(m.graph(), ParamStore.initialize(m.graph(), 0));
        assertEquals(3.0, in.output("loss", Map.of()).getDouble(0));
        Node x = m.graph().inputs().get(0);
        assertEquals(0.0, in.output("loss", Map.of(x, Tensor.scalar(DType.F32, 1))).getDouble(0)); // 1*3 + 1 = 4
    }

    @Test
    void denseModelOnABatchBindsTheBatchDim() {
        String src = """
                import std.nn.*
                model M(images: u8[batch, 2, 2]) {
                    val x = images.reshape(batch, 4).toF32() / 255f
                    val hidden = dense(x, units = 3, activation = ::relu, kernelInit = ones(), biasInit = constant(0.5))
                    return dense(hidden, units = 2, activation = ::softmax, kernelInit = ones())
                }
                """;
        CheckedModel m = model(src, "M");
        Interpreter in = new Interpreter(m.graph(), ParamStore.initialize(m.graph(), 0));
        Tensor images = Tensor.of(DType.U8, new int[] {2, 2, 2}, 255, 0, 0, 0, 255, 255, 255, 255);
        Tensor out = in.output("output", Map.of(m.graph().inputs().get(0), images));
        assertArrayEquals(new int[] {2, 2}, out.shape());
        // hidden = relu(x @ ones + 0.5) has equal units, so the softmax of equal logits is uniform
        for (int i = 0; i < 4; i++) assertEquals(0.5, out.getDouble(i), 1e-7);
        // a batch of another size works with the same graph
        Tensor one = Tensor.of(DType.U8, new int[] {1, 2, 2}, 1, 2, 3, 4);
        assertArrayEquals(new int[] {1, 2}, in.output("output", Map.of(m.graph().inputs().get(0), one)).shape());
    }

    @Test
    void wrongFeedShapeIsALocatedError() {
        CheckedModel m = model("model M(x: f32[batch, 3]) {\n    return x * 2f\n}\n", "M");
        Interpreter in = new Interpreter(m.graph(), new ParamStore());
        DlmException e = assertThrows(DlmException.class, () -> in.output("output", Map.of(m.graph().inputs().get(0), Tensor.zeros(DType.F32, 2, 4))));
        assertEquals("input 'x' expects f32[batch, 3], got shape (2, 4): axis 1 is 3 vs 4", e.getMessage());
        assertEquals(1, e.span().line());
    }

    @Test
    void paramsAreSeededByName() {
        String src = "import std.nn.*\nmodel M(x: f32[batch, 4]) {\n    val h = dense(x, units = 3)\n    return dense(h, units = 2)\n}\n";
        CheckedModel m = model(src, "M");
        ParamStore a = ParamStore.initialize(m.graph(), 7), b = ParamStore.initialize(m.graph(), 7), c = ParamStore.initialize(m.graph(), 8);
        assertEquals(a.get("h.W"), b.get("h.W"));
        assertNotEquals(a.get("h.W"), c.get("h.W"));
        assertNotEquals(a.get("h.W"), a.get("output.W"));
        // glorot uniform limit sqrt(6 / (4 + 3))
        double limit = Math.sqrt(6.0 / 7);
        for (double v : a.get("h.W").toDoubles()) assertTrue(Math.abs(v) <= limit);
        for (double v : a.get("h.b").toDoubles()) assertEquals(0.0, v);
    }
}
