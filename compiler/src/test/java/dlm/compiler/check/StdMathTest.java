package dlm.compiler.check;

import static dlm.compiler.check.LanguageTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dlm.compiler.Frontend;
import dlm.compiler.diag.DlmException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * std.math's logSumExp, variance, std and norm: values against NumPy/SciPy (scipy.special.logsumexp,
 * np.var, np.std, np.linalg.norm, printed to f32), the stable forms at extreme inputs, and the
 * located error of an unsupported norm order (at the user's call).
 */
class StdMathTest {
    private static final String X = "import std.math.*\nval x = [[1.0, 2.0, 3.0], [1000.0, 1000.0, -1000.0]]\n";

    @Test
    void logSumExpIsStable() {
        assertEquals(List.of("array([   3.407606, 1000.6932  ])", "array(1000.6932)", "array([[1000., 1000.,    3.]])", "array(-inf)", "array(inf)",
                        "array([[0.09003057, 0.24472848, 0.66524094],\n       [0.        , 0.        , 0.        ]])"),
                run(X + "println(logSumExp(x, axis = 1))\nprintln(logSumExp(x))\nprintln(logSumExp(x, axis = 0, keepdims = true))\n"
                        + "println(logSumExp(-abs(x[1]) * 1e36))\nprintln(logSumExp(x[1] * 1e36))\nprintln(grad(logSumExp(x[0]), x))\n"));
    }

    @Test
    void varianceAndStd() {
        // np.var(x, axis=1) = [0.6666667, 888888.9]; np.std([[1, 3], [5, 7]]) = sqrt(5)
        assertEquals(List.of("array([6.666667e-01, 8.888889e+05])", "array([[4., 4.]])", "array(2.236068)", "array([1., 1.])"),
                run(X + "println(variance(x, axis = 1))\nprintln(variance([[1.0, 3.0], [5.0, 7.0]], axis = 0, keepdims = true))\n"
                        + "println(std([[1.0, 3.0], [5.0, 7.0]]))\nprintln(std([[1.0, 3.0], [5.0, 7.0]], axis = 1))\n"));
    }

    @Test
    void norms() {
        assertEquals(List.of("array([   3.7416575, 1732.0508   ])", "array(5.)", "array(7.)", "array([[   6., 3000.]])",
                        "array([ 0.6, -0.8])", "array([ 1., -1.,  0.])"),
                run(X + "println(norm(x, axis = 1))\nprintln(norm([3.0, -4.0]))\nprintln(norm([3.0, -4.0], ord = 1))\n"
                        + "println(norm(x, ord = 1, axis = 1, keepdims = true).T)\nval v = [3.0, -4.0]\nprintln(grad(norm(v), v))\n"
                        + "val w = [3.0, -4.0, 0.0]\nprintln(grad(norm(w, ord = 1), w))\n"));
    }

    @Test
    void unsupportedNormOrderIsAnErrorAtTheCall() {
        DlmException e = assertThrows(DlmException.class, () -> Frontend.compile("t.dlm", X + "println(norm(x, ord = 3))\n"));
        assertEquals("""
                t.dlm:3:9: error: norm supports ord = 1 (the sum of |x|) and ord = 2 (the Euclidean norm), got ord = 3
                println(norm(x, ord = 3))
                        ^~~~~~~~~~~~~~~~""", e.render());
    }
}
