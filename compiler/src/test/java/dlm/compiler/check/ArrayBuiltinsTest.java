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
    void locatedErrors() {
        assertEquals("""
                t.dlm:2:19: error: axis 2 is out of range for a tensor of rank 2
                println(cumsum(x, axis = 2))
                                  ^~~~~~~~""", error(X + "println(cumsum(x, axis = 2))\n"));
    }

}
