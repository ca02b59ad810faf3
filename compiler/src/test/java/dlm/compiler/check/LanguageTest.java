package dlm.compiler.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dlm.compiler.Frontend;
import dlm.compiler.diag.DlmException;
import dlm.compiler.interp.Interpreter;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Node;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Language features end to end: each program's printed values, computed by the interpreter. */
class LanguageTest {

    /** Runs a script and returns what its println calls print, one entry per call. */
    static List<String> run(String src) {
        CheckedProgram p = Frontend.compile("t.dlm", src);
        List<Node> targets = new ArrayList<>();
        for (PrintAction a : p.prints()) for (Value v : a.items()) if (v instanceof Value.TensorV t) targets.add(t.node());
        Map<Node, Tensor> vals = new Interpreter(p.script(), new ParamStore()).run(Map.of(), targets);
        List<String> out = new ArrayList<>();
        for (PrintAction a : p.prints()) {
            List<String> parts = new ArrayList<>();
            for (Value v : a.items()) parts.add(v instanceof Value.TensorV t ? vals.get(t.node()).toString() : Show.value(v));
            out.add(String.join(" ", parts));
        }
        return out;
    }

    @Test
    void precedenceFollowsKotlinWithMatmulAtMultiplicativeLevel() {
        assertEquals(List.of("7", "9", "-1", "true", "array([[ 7, 10],\n       [15, 22]])", "array([[ 8, 11],\n       [16, 23]])"),
                run("println(1 + 2 * 3)\nprintln((1 + 2) * 3)\nprintln(1 - 1 - 1)\nprintln(1 + 1 == 2 && 3 > 2)\n"
                        + "val m = [[1, 2], [3, 4]]\nprintln(m @ m)\nprintln(m @ m + 1)\n"));
    }

    @Test
    void integerDivisionTruncatesAndNumbersAreWeaklyTyped() {
        assertEquals(List.of("-3", "3.5", "array([0.5, 1. ])", "array([2, 4])", "array([1.5, 3. ], dtype=f64)"),
                run("println(-7 / 2)\nprintln(7.0 / 2)\nprintln([1.0, 2.0] / 2)\nprintln([1, 2] * 2)\nprintln([1, 2].toF64() * 1.5)\n"));
    }

    @Test
    void lambdasFunctionReferencesAndDefaults() {
        assertEquals(List.of("array([2, 4, 6])", "array([0., 2.])", "array([4, 5])", "array([11, 21])"),
                run("""
                        fun apply(x: Tensor, f: (Tensor) -> Tensor = ::relu): Tensor = f(x)
                        val double = { v -> v * 2 }
                        println(apply([1, 2, 3], double))
                        println(apply([-1.0, 2.0]))
                        println(apply([3, 4]) { it + 1 })
                        println(apply([1, 2], f = { v -> v * 10 + 1 }))
                        """));
    }

    @Test
    void methodCallSyntaxWorksForEveryFunction() {
        assertEquals(List.of("(2, 3)", "array(21)", "array([ 6, 15])", "array([1, 1])", "array([[1, 4],\n       [2, 5],\n       [3, 6]])"),
                run("""
                        val x = [[1, 2, 3], [4, 5, 6]]
                        println(x.shape)
                        println(x.sum())
                        println(x.sum(axis = -1))
                        println(x.argmax(axis = 0).reshape(3)[0:2] - [-1, -1] - 2 + 1)
                        println(x.T)
                        """));
    }

    @Test
    void reductionsOverAxesWithKeepdims() {
        assertEquals(List.of("array([[ 6],\n       [15]])", "array([2.5, 3.5, 4.5])", "array(6)", "array(1)"),
                run("val x = [[1, 2, 3], [4, 5, 6]]\nprintln(sum(x, axis = 1, keepdims = true))\nprintln(mean(x.toF32(), axis = 0))\n"
                        + "println(max(x))\nprintln(min(x))\n"));
    }

    @Test
    void indexingAndSlicing() {
        assertEquals(List.of("array([ 4, 10])", "array(6)", "array([[5, 6]])", "array([[1, 3],\n       [4, 6]])"),
                run("val x = [[1, 2, 3], [4, 5, 6]]\nprintln(x[:, 1] * 2 / 2 * 2 / 1)\nprintln(x[-1, -1])\nprintln(x[1:, 1:])\nprintln(x[:, ::2])\n"));
    }

    /** Negative steps with Python's defaults; the expected strings are NumPy's. */
    @Test
    void slicesWithNegativeSteps() {
        assertEquals(List.of("array([6, 5, 4, 3, 2, 1, 0])", "array([5, 3])", "array([6, 5, 4, 3])", "array([5, 2])", "array([], dtype=i32)",
                        "array([6, 5, 4, 3, 2, 1, 0])", "array([[11,  9],\n       [ 7,  5],\n       [ 3,  1]])"),
                run("val x = arange(7)\nprintln(x[::-1])\nprintln(x[5:1:-2])\nprintln(x[:2:-1])\nprintln(x[-2::-3])\nprintln(x[1:5:-1])\n"
                        + "println(x[7::-1])\nprintln(arange(12).reshape(3, 4)[::-1, ::-2])\n"));
        // The gradient of a reversed, strided read lands on the elements read.
        assertEquals(List.of("array([0., 5., 3., 2., 0., 1., 0.])"),
                run("val x = arange(7).toF32()\nprintln(grad(sum(x[5:1:-2] * x[1:3]), x))\n"));
    }

    /** prod, with the gradient at a zero: the product of the others. */
    @Test
    void prodAndItsGradientAtZero() {
        assertEquals(List.of("array([ 6., -0.])", "array([[4., 0., 9.]])", "array([[  6.,   3.,   2.],\n       [  0., -24.,   0.]])"),
                run("val x = [[1.0, 2.0, 3.0], [4.0, 0.0, -6.0]]\nprintln(prod(x, axis = 1))\nprintln(x.prod(axis = 0, keepdims = true) * [[1, 1, -0.5]])\n"
                        + "println(grad(sum(prod(x, axis = 1)), x))\n"));
    }

    @Test
    void broadcastingAndWhere() {
        assertEquals(List.of("array([[11, 22],\n       [13, 24]])", "array([0, 2, 0])", "array([ True, False])"),
                run("println([[1, 2], [3, 4]] + [10, 20])\nval v = [-1, 2, -3]\nprintln(where(v > 0, v, 0))\nprintln([1.0, 2.0] < 1.5)\n"));
    }

    @Test
    void compileTimeMathAndStrings() {
        assertEquals(List.of("784", "1.0", "shape: (2, 3)", "f32"),
                run("println(28 * 28)\nprintln(cos(0))\nprintln(\"shape: \" + zeros(2, 3).shape)\nprintln(zeros(1).dtype)\n"));
    }

    @Test
    void paramsAreFreshPerCallSiteAndNamedAfterTheirVal() {
        CheckedProgram p = Frontend.compile("t.dlm", """
                fun layer(x: f32[n, i], units: Int): f32[n, units] {
                    param W: f32[i, units] = uniform(-0.1, 0.1)
                    return x @ W
                }
                fun block(x: f32[n, i]): f32[n, 2] {
                    val inner = layer(x, 3)
                    return layer(inner, 2)
                }
                model M(x: f32[batch, 4]) {
                    val a = layer(x, 4)
                    val b = block(a)
                    return layer(b, 2) + layer(b, 2)
                }
                """);
        List<String> names = p.models().get("M").graph().params().stream().map(n -> n.name() + " " + n.type()).toList();
        assertEquals(List.of("a.W f32[4, 4]", "b.inner.W f32[4, 3]", "b.layer.W f32[3, 2]", "layer.W f32[2, 2]", "layer_1.W f32[2, 2]"), names);
    }

    @Test
    void symbolicDimsUnifyAcrossCalls() {
        CheckedProgram p = Frontend.compile("t.dlm", """
                fun pair(a: f32[n, k], b: f32[n, k]): f32[n] = sum(a * b, axis = 1)
                model M(x: f32[batch, 3], y: f32[batch, 3]) {
                    return pair(x, y).reshape(batch, 1)
                }
                """);
        assertEquals("f32[batch, 1]", p.models().get("M").graph().output("output").type().toString());
        DlmException e = assertThrows(DlmException.class, () -> Frontend.compile("t.dlm", """
                fun pair(a: f32[n, k], b: f32[n, k]): f32[n] = sum(a * b, axis = 1)
                model M(x: f32[batch, 3], y: f32[other, 3]) {
                    return pair(x, y)
                }
                """));
        assertEquals("shape mismatch: argument 'b' of pair expects f32[n, k], got f32[other, 3]: axis 0 is batch vs other", e.getMessage());
    }

    @Test
    void reshapeWithMinusOneAndSymbolicDims() {
        CheckedProgram p = Frontend.compile("t.dlm", "model M(images: u8[batch, 28, 28]) {\n    return images.reshape(-1, 784).toF32() / 255f\n}\n");
        assertEquals("f32[batch, 784]", p.models().get("M").graph().output("output").type().toString());
    }

    @Test
    void everyDtypeCanBeCreatedAndCast() {
        assertEquals(List.of("array([1., 2.], dtype=f16)", "array([1., 2.], dtype=f64)", "array([1, 2], dtype=i64)", "array([1, 2], dtype=u8)",
                        "array([ True,  True])", "array([255,   1], dtype=u8)"),
                run("val x = [1, 2]\nprintln(x.toF16())\nprintln(x.toF64())\nprintln(x.toI64())\nprintln(x.toU8())\nprintln(x.toBool())\nprintln([-1, 257].toU8())\n"));
    }
}
