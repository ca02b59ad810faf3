package dlm.compiler.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The reference evaluation of the fused first-layer ops: {@code conv2dMaxPool}'s values are the
 * unfused ops' and its winner codes name the winning cells; {@code conv2dMaxPoolBackpropFilter}
 * equals the unfused gradients and finite differences of the pooled values; the type rules.
 */
class ConvMaxPoolOpsTest {
    private static final DType D = DType.F32;

    /** {x, kernel, conv strides, conv padding, pool, pool strides, pool padding} */
    private static final int[][][] CASES = {
        {{2, 9, 9, 1}, {3, 3, 1, 4}, {1, 1}, {0, 0, 0, 0}, {2, 2}, {2, 2}, {0, 0, 0, 0}},
        {{1, 7, 8, 3}, {3, 3, 3, 5}, {2, 1}, {1, 1, 0, 2}, {3, 3}, {2, 2}, {1, 1, 1, 0}},
        {{2, 6, 5, 2}, {2, 2, 2, 3}, {1, 1}, {0, 0, 0, 0}, {3, 2}, {1, 1}, {0, 0, 0, 0}}};

    private static Attrs attrs(int[][] v, boolean relu) {
        return Attrs.of("strides", v[2], "dilation", new int[] {1, 1}, "padding", v[3], "relu", relu,
                "pool", v[4], "poolStrides", v[5], "poolPadding", v[6]);
    }

    private static Tensor rand(Random r, int... shape) {
        Tensor t = Tensor.zeros(D, shape);
        for (int i = 0; i < t.size(); i++) t.setDouble(i, r.nextDouble() * 2 - 1);
        return t;
    }

    private static Tensor eval(String op, Attrs a, Tensor... ins) { return OpRegistry.get(op).eval(List.of(ins), a); }

    /** [from, to) of a tensor's elements, as doubles. */
    private static double[] part(Tensor t, int from, int to) { return java.util.Arrays.copyOfRange(t.toDoubles(), from, to); }

    @Test
    void valuesAreTheUnfusedOpsAndCodesNameTheWinners() {
        Random r = new Random(51);
        for (int[][] v : CASES)
            for (boolean relu : new boolean[] {true, false}) {
                Attrs a = attrs(v, relu);
                Tensor x = rand(r, v[0]), k = rand(r, v[1]), b = rand(r, v[1][3]);
                Tensor both = eval("conv2dMaxPool", a, x, k, b);
                Tensor conv = eval("conv2d", Window2d.convAttrs(a).with("relu", relu), x, k, b);
                Tensor pooled = eval("maxPool2d", ConvPoolAttrs.pool(a), conv);
                int m = pooled.size();
                assertEquals(2 * m, both.size());
                assertEquals(java.util.Arrays.toString(pooled.toDoubles()), java.util.Arrays.toString(part(both, 0, m)));
                // each code's cell holds the window's maximum, or the window sends nothing (relu, maximum ≤ 0)
                double[] codes = part(both, m, 2 * m);
                for (int i = 0; i < m; i++) {
                    if (codes[i] < 0) assertTrue(relu && !(pooled.getDouble(i) > 0), "code −1 at " + i);
                    else assertTrue(codes[i] == Math.rint(codes[i]) && codes[i] < v[4][0] * v[4][1], "code " + codes[i] + " at " + i);
                }
            }
    }

    @Test
    void theGradientsAreTheUnfusedOnesAndFiniteDifferences() {
        Random r = new Random(52);
        for (int[][] v : CASES) {
            Attrs a = attrs(v, true);
            Tensor x = rand(r, v[0]), k = rand(r, v[1]), b = rand(r, v[1][3]);
            Tensor both = eval("conv2dMaxPool", a, x, k, b);
            int m = both.size() / 2;
            int[] ps = both.shape();
            Tensor dy = rand(r, ps[1], ps[2], ps[3], ps[4]);
            Tensor codes = Tensor.zeros(D, ps[1], ps[2], ps[3], ps[4]);
            for (int i = 0; i < m; i++) codes.setDouble(i, both.getDouble(m + i));
            Tensor grads = eval("conv2dMaxPoolBackpropFilter", a.with("kernelSize", new int[] {v[1][0], v[1][1]}), x, codes, dy);
            int taps = v[1][0] * v[1][1] * v[1][2], f = v[1][3];
            assertEquals(List.of(taps + 1, f), java.util.Arrays.stream(grads.shape()).boxed().toList());
            // the unfused gradients
            Tensor conv = eval("conv2d", Window2d.convAttrs(a).with("relu", true), x, k, b);
            Tensor g = eval("maxPool2dBackprop", ConvPoolAttrs.pool(a).with("relu", true), conv, dy);
            double[] dk = eval("conv2dBackpropFilter", Window2d.convAttrs(a).with("kernelSize", new int[] {v[1][0], v[1][1]}), x, g).toDoubles();
            double[] db = new double[f];
            for (int i = 0; i < g.size(); i++) db[i % f] += g.getDouble(i);
            for (int i = 0; i < taps * f; i++) assertEquals(dk[i], grads.getDouble(i), 1e-5 * (1 + Math.abs(dk[i])), "dk " + i);
            for (int i = 0; i < f; i++) assertEquals(db[i], grads.getDouble(taps * f + i), 1e-5 * (1 + Math.abs(db[i])), "db " + i);
            // central differences of sum(dy · pooled) (piecewise linear in k and b: exact away from ties)
            double h = 1e-2;
            for (int i = 0; i < k.size(); i += 3) {
                double fd = (loss(a, x, nudged(k, i, h), b, dy) - loss(a, x, nudged(k, i, -h), b, dy)) / (2 * h);
                assertEquals(fd, grads.getDouble(i), 2e-3 * (1 + Math.abs(fd)), "dk " + i + " by finite differences");
            }
            for (int i = 0; i < f; i++) {
                double fd = (loss(a, x, k, nudged(b, i, h), dy) - loss(a, x, k, nudged(b, i, -h), dy)) / (2 * h);
                assertEquals(fd, grads.getDouble(taps * f + i), 2e-3 * (1 + Math.abs(fd)), "db " + i + " by finite differences");
            }
        }
    }

    private static double loss(Attrs a, Tensor x, Tensor k, Tensor b, Tensor dy) {
        Tensor both = eval("conv2dMaxPool", a, x, k, b);
        double s = 0;
        for (int i = 0; i < dy.size(); i++) s += dy.getDouble(i) * both.getDouble(i);
        return s;
    }

    private static Tensor nudged(Tensor t, int i, double h) {
        Tensor c = Tensor.zeros(D, t.shape());
        for (int j = 0; j < t.size(); j++) c.setDouble(j, t.getDouble(j));
        c.setDouble(i, (float) (t.getDouble(i) + h));
        return c;
    }

    @Test
    void typeRules() {
        Attrs a = attrs(CASES[0], true);
        TensorType x = TensorType.of(D, 2, 9, 9, 1), k = TensorType.of(D, 3, 3, 1, 4), b = TensorType.of(D, 4);
        assertEquals(TensorType.of(D, 2, 2, 3, 3, 4), OpRegistry.get("conv2dMaxPool").infer(List.of(x, k, b), a));
        TensorType p = TensorType.of(D, 2, 3, 3, 4);
        assertEquals(TensorType.of(D, 10, 4), OpRegistry.get("conv2dMaxPoolBackpropFilter").infer(List.of(x, p, p), a.with("kernelSize", new int[] {3, 3})));
        ShapeException e = assertThrows(ShapeException.class, () -> OpRegistry.get("conv2dMaxPool").infer(
                List.of(TensorType.of(DType.F64, 2, 9, 9, 1), TensorType.of(DType.F64, 3, 3, 1, 4)), a));
        assertTrue(e.getMessage().contains("a fused f32 kernel form"), e.getMessage());
        e = assertThrows(ShapeException.class, () -> OpRegistry.get("conv2dMaxPoolBackpropFilter").infer(
                List.of(x, TensorType.of(D, 2, 4, 4, 4), p), a.with("kernelSize", new int[] {3, 3})));
        assertTrue(e.getMessage().contains("the winner codes must be f32[2, 3, 3, 4]"), e.getMessage());
    }
}
