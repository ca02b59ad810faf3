package dlm.compiler.autodiff;

import static dlm.compiler.autodiff.GradCheck.AT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.TensorType;
import dlm.compiler.ops.OpRegistry;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FiniteDifferencesTest {

    /** y = sum(w · w · x) + b·x with a param w (f32 or f64) and an input x. */
    private static Graph cubic(DType d, Node[] out) {
        Graph g = new Graph();
        Node w = g.addTyped(OpRegistry.get("param"), List.of(), Attrs.EMPTY, TensorType.of(d, 3), AT, "w");
        Node x = GradCheck.input(g, "x", TensorType.of(d, 3));
        Node ww = g.add("mul", List.of(w, w), Attrs.EMPTY, AT);
        Node y = g.add("sum", List.of(g.add("mul", List.of(ww, x), Attrs.EMPTY, AT)), Attrs.EMPTY, AT);
        out[0] = w;
        out[1] = x;
        out[2] = y;
        return g;
    }

    @Test
    void centralDifferencesInF64() {
        Node[] n = new Node[3];
        Graph g = cubic(DType.F64, n);
        ParamStore p = new ParamStore();
        Tensor wv = Tensor.of(DType.F64, new int[] {3}, 1, -2, 0.5);
        p.set("w", wv);
        Tensor xv = Tensor.of(DType.F64, new int[] {3}, 3, 1, -4);
        Map<Node, Tensor> feeds = Map.of(n[1], xv);
        Map<Node, Tensor> grads = FiniteDifferences.numericGradients(g, n[2], List.of(n[0], n[1]), feeds, p, 1e-6);
        assertArrayEquals(new double[] {6, -4, -4}, grads.get(n[0]).toDoubles(), 1e-8); // 2wx
        assertArrayEquals(new double[] {1, 4, 0.25}, grads.get(n[1]).toDoubles(), 1e-8); // w²
        assertEquals(DType.F64, grads.get(n[0]).dtype());
        // The caller's values are untouched.
        assertEquals(Tensor.of(DType.F64, new int[] {3}, 1, -2, 0.5), p.get("w"));
        assertEquals(Tensor.of(DType.F64, new int[] {3}, 3, 1, -4), xv);
    }

    /** In f32 the step is rounded to the dtype; dividing by the stored difference keeps the estimate accurate. */
    @Test
    void f32StepsAreRoundedToTheDtype() {
        Node[] n = new Node[3];
        Graph g = cubic(DType.F32, n);
        ParamStore p = new ParamStore();
        p.set("w", Tensor.of(DType.F32, new int[] {3}, 1.1, -2.3, 0.7));
        Map<Node, Tensor> feeds = Map.of(n[1], Tensor.of(DType.F32, new int[] {3}, 3, 1, -4));
        FiniteDifferences fd = FiniteDifferences.of(g, n[2], feeds, p);
        double[] est = fd.gradientAt(n[0], new int[] {0, 1, 2}, FiniteDifferences.defaultEps(DType.F32));
        double[] exact = {2 * (double) 1.1f * 3, 2 * (double) -2.3f * 1, 2 * (double) 0.7f * -4}; // at the f32 point
        for (int i = 0; i < 3; i++) assertEquals(exact[i], est[i], 1e-3 * Math.abs(exact[i]));
        // The f64 copy is as accurate as f64 differences: the same point, evaluated in f64.
        FiniteDifferences fd64 = FiniteDifferences.inF64(g, n[2], feeds, p);
        assertEquals(DType.F64, fd64.dtype());
        assertEquals(fd.value(), fd64.value(), 1e-5);
        double[] est64 = fd64.gradientAt(n[0], new int[] {0, 1, 2}, 1e-6);
        for (int i = 0; i < 3; i++) assertEquals(exact[i], est64[i], 1e-8);
        assertThrows(IllegalArgumentException.class, () -> fd.gradientAt(n[0], new int[] {0}, 1e-12)); // rounds to no step
    }

    @Test
    void onlyInputsAndParamsArePerturbed() {
        Node[] n = new Node[3];
        Graph g = cubic(DType.F64, n);
        ParamStore p = new ParamStore();
        p.set("w", Tensor.zeros(DType.F64, 3));
        Map<Node, Tensor> feeds = new HashMap<>(Map.of(n[1], Tensor.zeros(DType.F64, 3)));
        FiniteDifferences fd = FiniteDifferences.of(g, n[2], feeds, p);
        Node ww = n[2].input(0).input(0);
        assertThrows(IllegalArgumentException.class, () -> fd.gradient(ww, 1e-6));
        assertThrows(IllegalArgumentException.class, () -> FiniteDifferences.of(g, ww, feeds, p)); // not a scalar
    }

    @Test
    void errorMeasures() {
        Tensor a = Tensor.of(DType.F64, new int[] {3}, 1, 2, 0);
        Tensor b = Tensor.of(DType.F64, new int[] {3}, 1, 2.2, 1e-12);
        // ‖a − b‖ / (‖a‖ + ‖b‖)
        double expected = Math.hypot(0.2, 1e-12) / (Math.sqrt(5) + Math.sqrt(1 + 2.2 * 2.2));
        assertEquals(expected, FiniteDifferences.relativeError(a, b), 1e-15);
        assertEquals(0, FiniteDifferences.relativeError(Tensor.zeros(DType.F64, 2), Tensor.zeros(DType.F32, 2)));
        // Element-wise: the third entry is all noise, 1e-12 / max(1e-12, 1e-8) = 1e-4; the second is 0.2 / 4.2.
        assertEquals(0.2 / 4.2, FiniteDifferences.maxRelativeError(a, b), 1e-12);
        assertEquals(1.0, FiniteDifferences.maxRelativeError(a, b, 1e-20), 1e-12);
        assertTrue(FiniteDifferences.relativeError(a, a) == 0);
    }
}
