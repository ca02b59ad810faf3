package dlm.compiler.check;

import static dlm.compiler.check.LanguageTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dlm.compiler.Frontend;
import dlm.compiler.diag.DlmException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The surface of cumsum, argsort, sort, topK, take and x[indices]: values against NumPy's (the
 * expected strings are what NumPy prints), gradients by hand, and located errors for bad input.
 */
class ArrayBuiltinsTest {

    private static final String X = "val x = [[3.0, 1.0, 2.0, 1.0], [0.0, -1.0, 5.0, 5.0]]\n";

    private static String error(String src) {
        return assertThrows(DlmException.class, () -> Frontend.compile("t.dlm", src)).render();
    }

    @Test
    void cumsum() {
        assertEquals(List.of("array([[ 3.,  4.,  6.,  7.],\n       [ 0., -1.,  4.,  9.]])", "array([ 3.,  4.,  6.,  7.,  7.,  6., 11., 16.])",
                        "array([[10.,  9.,  7.,  4.],\n       [10.,  9.,  7.,  4.]])"),
                run(X + "println(cumsum(x, axis = 1))\nprintln(x.cumsum())\nprintln(grad(sum(cumsum(x, axis = -1) * [1.0, 2.0, 3.0, 4.0]), x))\n"));
    }

    @Test
    void sortAndArgsort() {
        // np.argsort(x, kind="stable"); np.sort(x)[:, ::-1] (ties equal, so the same values)
        assertEquals(List.of("array([[1, 3, 2, 0],\n       [1, 0, 2, 3]])", "array([[ 3.,  2.,  1.,  1.],\n       [ 5.,  5.,  0., -1.]])",
                        "array([[1, 1, 0, 0],\n       [0, 0, 1, 1]])", "array([3, 4, 2, 0, 1])"),
                run(X + "println(argsort(x))\nprintln(sort(x, descending = true))\nprintln(x.argsort(axis = 0))\n"
                        + "println(argsort([2.0, sqrt(-1.0), 1.0, -0.0, 0.0]))\n"));
        // The gradient of sort puts each weight on the element that landed there.
        assertEquals(List.of("array([[4., 1., 3., 2.],\n       [2., 1., 3., 4.]])"),
                run(X + "println(grad(sum(sort(x) * [1.0, 2.0, 3.0, 4.0]), x))\n"));
    }

    @Test
    void topKReturnsValuesAndIndices() {
        assertEquals(List.of("array([[3., 2.],\n       [5., 5.]])", "array([[0, 2],\n       [2, 3]])", "array([[0., 0., 0., 0.],\n       [0., 0., 1., 1.]])"),
                run(X + "val top = topK(x, 2)\nprintln(top[0])\nprintln(top[1])\nprintln(grad(sum(topK(x, 2)[0][1]), x))\n"));
        assertEquals(List.of("(2, 0)"), run(X + "println(topK(x, 0)[0].shape)\n"));
    }

    @Test
    void takeAndIntegerTensorIndexing() {
        assertEquals(List.of("array([[2., 3., 2.],\n       [5., 0., 5.]])", "array([[[ 0., -1.,  5.,  5.]],\n\n       [[ 0., -1.,  5.,  5.]]])",
                        "array(-1.)", "array([5., 2.])", "(2, 1, 2)", "array([[21, 22],\n       [13, 14]])"),
                run(X + "println(take(x, [2, 0, 2], axis = 1))\nprintln(take(x, [[1], [-1]], axis = 0))\nprintln(take(x, 5))\n"
                        + "println(x[[1, 0], 2])\nprintln(x[:, [[1, 3]]].shape)\nprintln(arange(24).reshape(2, 3, 4)[1, [2, 0], 1:3])\n"));
        // The gradient scatter-adds: a repeated index gets the sum of its weights.
        assertEquals(List.of("array([[0., 3., 0., 3.],\n       [0., 3., 0., 3.]])"),
                run(X + "println(grad(sum(x[:, [1, 1, 3]] * [[1.0, 2.0, 3.0]]), x))\n"));
        // Indices of any integer dtype; i64 beyond the i32 range stays out of range.
        assertEquals(List.of("array([2., 3.])"), run(X + "println(x[0, [2, 0].toU8()])\n"));
    }

    @Test
    void locatedErrors() {
        assertEquals("""
                t.dlm:2:19: error: axis 2 is out of range for a tensor of rank 2
                println(cumsum(x, axis = 2))
                                  ^~~~~~~~""", error(X + "println(cumsum(x, axis = 2))\n"));
        assertEquals("""
                t.dlm:2:17: error: k = 5 is out of range for the last axis of f32[2, 4] (0..4)
                println(topK(x, 5))
                                ^""", error(X + "println(topK(x, 5))\n"));
        assertEquals("""
                t.dlm:2:17: error: k = -1 is out of range for the last axis of f32[2, 4] (0..4)
                println(topK(x, -1))
                                ^~""", error(X + "println(topK(x, -1))\n"));
        assertEquals("""
                t.dlm:2:14: error: sort needs a tensor of rank 1 or more, got f32
                println(sort(x[0, 0]))
                             ^~~~~~~""", error(X + "println(sort(x[0, 0]))\n"));
        assertEquals("""
                t.dlm:2:17: error: indices must be integers, got f32[2] (convert them with .toI32())
                println(take(x, [0.0, 1.0], axis = 1))
                                ^~~~~~~~~~""", error(X + "println(take(x, [0.0, 1.0], axis = 1))\n"));
        assertEquals("""
                t.dlm:2:14: error: index 4 is out of range for axis 1 of size 4
                println(x[:, [0, 4]])
                             ^~~~~~""", error(X + "println(x[:, [0, 4]])\n"));
        assertEquals("""
                t.dlm:2:11: error: indices must be integers, got the bool tensor bool[2, 4] (to select by a mask, use where(mask, x, 0))
                println(x[x > 2.0])
                          ^~~~~~~""", error(X + "println(x[x > 2.0])\n"));
        assertEquals("""
                t.dlm:2:16: error: only one index may be a tensor; index in two steps, e.g. x[i][:, j]
                println(x[[1], [0]])
                               ^~~""", error(X + "println(x[[1], [0]])\n"));
    }

    /** Indices only known when the graph runs are checked then, at the indexing expression. */
    @Test
    void runtimeIndexOutOfRangeIsLocated() {
        DlmException e = assertThrows(DlmException.class, () -> run(X + "println(x[:, argmax(x, axis = 1) + 3])\n"));
        assertEquals("t.dlm:2:9: error: index 5 is out of range for axis 1 of size 4", e.render().lines().findFirst().orElseThrow());
    }
}
