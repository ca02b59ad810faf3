package dlm.compiler.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.Frontend;
import dlm.compiler.interp.Interpreter;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Node;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    @Test
    void binaryCrossentropyOfASigmoidIsStableAtConfidentLogits() {
        // The case: 1 − sigmoid(z) rounds to 0 in f32 for z = 17, so the clipped log gave
        // 14.37 and a zero gradient; log(1 − σ(z)) = logSigmoid(−z) gives the exact values
        // (PyTorch's binary_cross_entropy_with_logits: 14.6667, [0.3333, 0.3333, -0.3333]).
        double[] z = {17, 10, -17, 0, 100, -100}, y = {0, 0, 1, 1, 1, 0};
        List<Tensor> out = values("""
                import std.nn.*
                val z = [[17.0, 10.0, -17.0], [0.0, 100.0, -100.0]]
                val l = binaryCrossentropy([[0, 0, 1], [1, 1, 0]], sigmoid(z))
                println(l, grad(l, z))
                """);
        double loss = 0;
        double[] g = new double[6];
        for (int i = 0; i < 6; i++) {
            // closed forms: BCE(y, σ(z)) = max(z, 0) − z·y + log(1 + e^−|z|); d/dz = σ(z) − y
            loss += (Math.max(z[i], 0) - z[i] * y[i] + Math.log1p(Math.exp(-Math.abs(z[i])))) / 6;
            g[i] = (1 / (1 + Math.exp(-z[i])) - y[i]) / 6;
        }
        assertClose(loss, out.get(0).getDouble(0));
        for (int i = 0; i < 6; i++) assertClose(g[i], out.get(1).getDouble(i));
    }

    @Test
    void categoricalCrossentropiesOfASoftmaxAreStableAtExtremeLogits() {
        // From the logits (log-softmax), as PyTorch's cross_entropy: loss 150 and 132.5, gradient
        // (softmax(z) − y) / n, finite where softmax(z) rounds to exactly 0 or 1.
        double[][] z = {{100, -100, 0}, {-50, 50, 20}};
        double[][] sparse = {{0, 1, 0}, {1, 0, 0}}, soft = {{0, 1, 0}, {0.5, 0, 0.5}};
        List<Tensor> out = values("""
                import std.nn.*
                val z = [[100.0, -100.0, 0.0], [-50.0, 50.0, 20.0]]
                val a = sparseCategoricalCrossentropy([1, 0], softmax(z))
                val b = categoricalCrossentropy([[0.0, 1.0, 0.0], [0.5, 0.0, 0.5]], softmax(z))
                println(a, grad(a, z), b, grad(b, z))
                """);
        for (int k = 0; k < 2; k++) {
            double[][] y = k == 0 ? sparse : soft;
            double loss = 0;
            for (int r = 0; r < 2; r++) {
                double m = Math.max(z[r][0], Math.max(z[r][1], z[r][2])), s = 0;
                for (double v : z[r]) s += Math.exp(v - m);
                for (int j = 0; j < 3; j++) {
                    double logp = z[r][j] - m - Math.log(s);
                    loss -= y[r][j] * logp / 2;
                    assertClose((Math.exp(logp) - y[r][j]) / 2, out.get(2 * k + 1).getDouble(r * 3 + j));
                }
            }
            assertClose(loss, out.get(2 * k).getDouble(0));
        }
        assertEquals(150.0, out.get(0).getDouble(0));
        assertEquals(132.5, out.get(2).getDouble(0));
    }

    /** The tensors a program prints, evaluated by the reference interpreter. */
    private static List<Tensor> values(String src) {
        CheckedProgram p = Frontend.compile("t.dlm", src);
        List<Node> targets = new ArrayList<>();
        for (PrintAction a : p.prints()) for (Value v : a.items()) if (v instanceof Value.TensorV t) targets.add(t.node());
        Map<Node, Tensor> vals = new Interpreter(p.script(), new ParamStore()).run(Map.of(), targets);
        return targets.stream().map(vals::get).toList();
    }

    private static void assertClose(double want, double got) {
        assertTrue(Math.abs(got - want) <= 1e-6 * Math.max(1, Math.abs(want)) || Math.abs(got - want) < 1e-30, got + " vs " + want);
    }

    private static boolean close(String arrayRepr, double want) {
        double got = Double.parseDouble(arrayRepr.replaceAll("array\\((.*)\\)", "$1"));
        return Math.abs(got - want) < 1e-6 * Math.max(1, Math.abs(want));
    }
}
