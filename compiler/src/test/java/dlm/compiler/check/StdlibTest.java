package dlm.compiler.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.Frontend;
import java.util.List;
import org.junit.jupiter.api.Test;

/** std.nn in DLM: the sequential builder, losses (incl. the stable softmax form) and accuracy. */
class StdlibTest {

    @Test
    void sequentialStacksLayersWithKerasNames() {
        CheckedProgram p = Frontend.compile("t.dlm", """
                import std.nn.*
                model M(x: f32[batch, 3]) {
                    return sequential(x) {
                        dense(4, ::relu)
                        dense(2, activation = ::softmax)
                    }
                }
                """);
        var g = p.models().get("M").graph();
        assertEquals(List.of("dense.W", "dense.b", "dense_1.W", "dense_1.b"), g.params().stream().map(n -> n.name()).toList());
        assertEquals("f32[batch, 2]", g.output("output").type().toString());
        assertEquals("softmax", g.output("output").opName());
    }

    @Test
    void crossentropyOnSoftmaxIsComputedFromTheLogits() {
        // p = softmax([1000, 0]) rounds to [1, 0]: log p[1] would be -inf (clipped: 16.1); the
        // stable form gives the exact 1000.
        assertEquals(List.of("array(1000.)", "array(16.118095)"), LanguageTest.run("""
                import std.nn.*
                val z = [[1000.0, 0.0]]
                println(sparseCategoricalCrossentropy([1], softmax(z)))
                println(sparseCategoricalCrossentropy([1], softmax(z) + 0f))
                """));
    }

    @Test
    void lossesAndAccuracyByHand() {
        List<String> out = LanguageTest.run("""
                import std.nn.*
                val p = [[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]
                println(sparseCategoricalCrossentropy([0, 1], p))
                println(categoricalCrossentropy([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], p))
                println(accuracy([0, 1], p), accuracy([0, 2], p))
                println(binaryCrossentropy([1, 0], [0.9, 0.2]))
                println(meanSquaredError([1.0, 2.0], [1.5, 1.0]), meanAbsoluteError([1.0, 2.0], [1.5, 1.0]))
                """);
        double ce = -(Math.log(0.7) + Math.log(0.1)) / 2;
        assertTrue(close(out.get(0), ce), out.get(0) + " vs " + ce);
        assertTrue(close(out.get(1), ce), out.get(1));
        assertEquals("array(0.5) array(1.)", out.get(2));
        assertTrue(close(out.get(3), -(Math.log(0.9) + Math.log(0.8)) / 2), out.get(3));
        assertEquals("array(0.625) array(0.75)", out.get(4));
    }

    private static boolean close(String arrayRepr, double want) {
        double got = Double.parseDouble(arrayRepr.replaceAll("array\\((.*)\\)", "$1"));
        return Math.abs(got - want) < 1e-6 * Math.max(1, Math.abs(want));
    }
}
