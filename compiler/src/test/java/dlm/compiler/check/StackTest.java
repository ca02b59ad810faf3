package dlm.compiler.check;

import static dlm.compiler.check.LanguageTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dlm.compiler.Frontend;
import dlm.compiler.diag.DlmException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** stack: NumPy's values (the expected strings are NumPy's), its gradient, and located errors. */
class StackTest {

    private static String error(String src) {
        return assertThrows(DlmException.class, () -> Frontend.compile("t.dlm", src)).render();
    }

    @Test
    void stacksAlongANewAxis() {
        assertEquals(List.of("array([[1, 2, 3],\n       [4, 5, 6]])", "array([[1, 4],\n       [2, 5],\n       [3, 6]])", "(2, 3)", "(1, 3)",
                        "array([[1, 4],\n       [2, 5],\n       [3, 6]])"),
                run("val a = [1, 2, 3]\nval b = [4, 5, 6]\nprintln(stack(a, b))\nprintln(stack(a, b, axis = 1))\n"
                        + "println(stack(a, b, axis = -2).shape)\nprintln(stack(a).shape)\nprintln(stack(a, b, axis = -1))\n"));
        // A list of tensors works too (grad of several values is one).
        assertEquals(List.of("array([[2., 4.],\n       [1., 1.]])"),
                run("val a = [1.0, 2.0]\nprintln(stack(grad(sum(a * a), a, a), axis = 0) * [[1.0, 1.0], [0.0, 0.0]] + stack(grad(sum(a), a)) * [[0.0, 0.0], [1.0, 1.0]])\n"));
        assertEquals(List.of("array([3., 3.])"), run("val a = [1.0, 2.0]\nprintln(grad(sum(stack(a, a * 2.0)), a))\n"));
    }

    @Test
    void locatedErrors() {
        assertEquals("""
                t.dlm:1:23: error: stack needs tensors of one shape: i32[2] and i32[3]
                println(stack([1, 2], [1, 2, 3]))
                                      ^~~~~~~~~""", error("println(stack([1, 2], [1, 2, 3]))\n"));
        assertEquals("""
                t.dlm:1:23: error: axis 2 is out of range for a tensor of rank 2
                println(stack([1, 2], axis = 2))
                                      ^~~~~~~~""", error("println(stack([1, 2], axis = 2))\n"));
        assertEquals("""
                t.dlm:1:9: error: stack needs at least one tensor
                println(stack())
                        ^~~~~~~""", error("println(stack())\n"));
    }
}
