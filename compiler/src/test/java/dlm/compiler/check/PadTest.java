package dlm.compiler.check;

import static dlm.compiler.check.LanguageTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dlm.compiler.Frontend;
import dlm.compiler.diag.DlmException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** pad(x, widths, mode, value): NumPy's values in every mode (the expected strings are NumPy's), gradients, errors. */
class PadTest {

    private static String error(String src) {
        return assertThrows(DlmException.class, () -> Frontend.compile("t.dlm", src)).render();
    }

    @Test
    void constantMode() {
        assertEquals(List.of("array([[7, 7, 7, 7, 7, 7],\n       [7, 7, 1, 2, 7, 7],\n       [7, 7, 3, 4, 7, 7],\n       [7, 7, 7, 7, 7, 7]])",
                        "array([0, 0, 1, 2, 0])", "array([[0, 0, 0],\n       [0, 1, 0]])", "array([False, False,  True, False])", "array([-1.5,  1. , -1.5])"),
                run("println(pad([[1, 2], [3, 4]], [[1, 1], [2, 2]], mode = \"constant\", value = 7))\nprintln(pad([1, 2], [2, 1]))\n"
                        + "println(pad([[1]], [[1, 0], [1, 1]]))\nprintln(pad([1, 2] > 1, 1))\nprintln(pad([1.0], 1, value = -1.5))\n"));
    }

    @Test
    void mirrorModes() {
        assertEquals(List.of("array([3, 2, 1, 2, 3, 2, 1])", "array([2, 1, 1, 2, 3, 3, 2, 1])", "array([1, 1, 1, 2, 3, 3, 3])",
                        "array([[3, 4, 3],\n       [1, 2, 1],\n       [3, 4, 3]])", "array([[1, 1, 2, 2],\n       [1, 1, 2, 2],\n       [3, 3, 4, 4]])"),
                run("println(pad([1, 2, 3], [2, 2], mode = \"reflect\"))\nprintln(pad([1, 2, 3], [2, 3], mode = \"symmetric\"))\n"
                        + "println(pad([1, 2, 3], 2, mode = \"edge\"))\nprintln(pad([[1, 2], [3, 4]], [[1, 0], [0, 1]], mode = \"reflect\"))\n"
                        + "println(pad([[1, 2], [3, 4]], [[1, 0], [1, 1]], mode = \"symmetric\"))\n"));
    }

    /** Each element's gradient counts its copies; the constant fill gets none. */
    @Test
    void gradients() {
        assertEquals(List.of("array([1., 1.])", "array([1., 3., 1.])", "array([2., 1., 2.])", "array([3., 1., 1.])"),
                run("val a = [1.0, 2.0]\nval b = [1.0, 2.0, 3.0]\nprintln(grad(sum(pad(a, 2, value = 9.0)), a))\n"
                        + "println(grad(sum(pad(b, [1, 1], mode = \"reflect\")), b))\nprintln(grad(sum(pad(b, [1, 1], mode = \"symmetric\")), b))\n"
                        + "println(grad(sum(pad(b, [2, 0], mode = \"edge\")), b))\n"));
    }

    @Test
    void locatedErrors() {
        assertEquals("""
                t.dlm:1:21: error: pad widths must be one [before, after] pair per axis (1 pairs), one pair for every axis, or one Int; got shape (3,)
                println(pad([1, 2], [1, 2, 3]))
                                    ^~~~~~~~~""", error("println(pad([1, 2], [1, 2, 3]))\n"));
        assertEquals("""
                t.dlm:1:21: error: pad widths must be 0 or more, got -1
                println(pad([1, 2], [-1, 0]))
                                    ^~~~~~~""", error("println(pad([1, 2], [-1, 0]))\n"));
        assertEquals("""
                t.dlm:1:24: error: cannot pad axis 0 of size 3 by 3 in mode "reflect": at most 2 on a side
                println(pad([1, 2, 3], [3, 0], mode = "reflect"))
                                       ^~~~~~""", error("println(pad([1, 2, 3], [3, 0], mode = \"reflect\"))\n"));
        assertEquals("""
                t.dlm:1:24: error: unknown pad mode "wrap"; use "constant", "edge", "reflect" or "symmetric"
                println(pad([1, 2], 1, mode = "wrap"))
                                       ^~~~~~~~~~~~~""", error("println(pad([1, 2], 1, mode = \"wrap\"))\n"));
        assertEquals("""
                t.dlm:1:39: error: value is only used with mode = "constant"
                println(pad([1, 2], 1, mode = "edge", value = 3))
                                                      ^~~~~~~~~""", error("println(pad([1, 2], 1, mode = \"edge\", value = 3))\n"));
        assertEquals("""
                t.dlm:2:19: error: cannot pad axis 0 of f32[batch, 2]: its size batch is not known at compile time
                    return pad(x, [[1, 1], [0, 0]])
                                  ^~~~~~~~~~~~~~~~""", error("model M(x: f32[batch, 2]) {\n    return pad(x, [[1, 1], [0, 0]])\n}\n"));
        assertEquals("""
                t.dlm:1:21: error: pad widths must be Ints known at compile time, such as [[1, 1], [2, 2]], got a Float
                println(pad([1, 2], 1.5))
                                    ^~~""", error("println(pad([1, 2], 1.5))\n"));
    }
}
