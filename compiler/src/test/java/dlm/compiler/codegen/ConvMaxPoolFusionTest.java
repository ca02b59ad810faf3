package dlm.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.autodiff.Autodiff;
import dlm.compiler.codegen.CodegenTestSupport.G;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Node;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A first layer's convolution and max pooling fuse (ConvMaxPoolFusion) — forward pass, kernel
 * gradient and bias gradient — when the kernel has few taps, the dtype is f32 and nothing else
 * reads the convolution's output or its gradient; in every case the compiled step computes what
 * the interpreter computes from the unfused graph.
 */
class ConvMaxPoolFusionTest {
    private static final Random R = new Random(41);

    private static Attrs conv(int[] strides, int[] padding) {
        return Attrs.of("strides", strides, "dilation", new int[] {1, 1}, "padding", padding);
    }

    private static Attrs pool(int p, int s, int[] padding) {
        return Attrs.of("pool", new int[] {p, p}, "strides", new int[] {s, s}, "padding", padding);
    }

    private static final int[] VALID = {0, 0, 0, 0}, ONE = {1, 1};

    /** The ops of the compiled step's kernel units, sorted. */
    private static List<String> kernels(Compilation c) {
        return c.plan.schedule.stream().filter(u -> u instanceof Unit.Kernel).flatMap(u -> u.nodes.stream())
                .map(Node::opName).sorted().toList();
    }

    private static Tensor rand(DType d, int... shape) { return CodegenTestSupport.random(d, shape, R); }

    /**
     * loss = sum(maxPool2d(act(conv2d(x, k) [+ b])) · w) and its gradients in k and b (and x when
     * asked), compiled and interpreted; the compilation.
     */
    private static Compilation layer(DType d, int[] xShape, int[] kShape, Attrs conv, Attrs pool, boolean bias, boolean relu, boolean dx) {
        G g = new G();
        Node x = g.input("x", d, (Object[]) box(xShape));
        Node k = g.input("k", d, (Object[]) box(kShape)), b = g.input("b", d, kShape[3]);
        Node y = g.op("conv2d", conv, x, k);
        if (bias) y = g.op("add", y, b);
        if (relu) y = g.op("relu", y);
        Node p = g.op("maxPool2d", pool, y);
        int[] ps = p.type().shape().sizes();
        Node loss = g.op("sum", g.op("mul", p, g.constant(rand(d, ps))));
        List<Node> wrt = new ArrayList<>(List.of(k));
        if (bias) wrt.add(b);
        if (dx) wrt.add(x);
        List<Node> grads = Autodiff.grad(g.g, loss, wrt, g.span());
        g.out("loss", loss).out("pooled", p).out("dk", grads.get(0));
        if (bias) g.out("db", grads.get(1));
        if (dx) g.out("dx", grads.get(grads.size() - 1));
        Tensor xs = rand(d, xShape);
        Map<String, Tensor> feeds = new HashMap<>(Map.of("x", xs, "k", rand(d, kShape), "b", rand(d, kShape[3])));
        return CodegenTestSupport.check(g.g, feeds, new ParamStore(), 1e-6 * 2000);
    }

    private static Integer[] box(int[] a) {
        Integer[] r = new Integer[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[i];
        return r;
    }

    private static final List<String> FUSED = List.of("conv2dMaxPool", "conv2dMaxPoolBackpropFilter");

    @Test
    void theBooksFirstLayerFusesWithBothGradients() {
        assertEquals(FUSED, kernels(layer(DType.F32, new int[] {4, 28, 28, 1}, new int[] {3, 3, 1, 32}, conv(ONE, VALID), pool(2, 2, VALID), true, true, false)));
    }

    @Test
    void stridesPaddingOverlappingWindowsAndThreeChannelsFuse() {
        // "same" convolution with strides 2×1 on an RGB input; 3×3 windows at stride 2 with padding
        Attrs c = Attrs.of("strides", new int[] {2, 1}, "dilation", new int[] {1, 1}, "padding", new int[] {1, 1, 1, 1});
        assertEquals(FUSED, kernels(layer(DType.F32, new int[] {2, 11, 9, 3}, new int[] {3, 3, 3, 20}, c, pool(3, 2, new int[] {1, 1, 1, 1}), true, true, false)));
    }

    @Test
    void withoutReluOrBiasItStillFuses() {
        assertEquals(FUSED, kernels(layer(DType.F32, new int[] {2, 10, 10, 1}, new int[] {3, 3, 1, 7}, conv(ONE, VALID), pool(2, 2, VALID), true, false, false)));
        assertEquals(List.of("conv2dMaxPool", "conv2dMaxPoolBackpropFilter"),
                kernels(layer(DType.F32, new int[] {2, 10, 10, 1}, new int[] {3, 3, 1, 7}, conv(ONE, VALID), pool(2, 2, VALID), false, true, false)));
    }

    @Test
    void notFusedWhenTheInputNeedsAGradientTheKernelIsLargeOrInF64() {
        List<String> unfused = List.of("conv2d", "conv2dBackpropFilter", "maxPool2d", "maxPool2dBackprop");
        // a later layer: dx needs the convolution's output gradient whole
        List<String> withDx = kernels(layer(DType.F32, new int[] {2, 8, 8, 1}, new int[] {3, 3, 1, 4}, conv(ONE, VALID), pool(2, 2, VALID), true, true, true));
        assertTrue(withDx.containsAll(unfused) && withDx.contains("conv2dBackpropInput") && !withDx.contains("conv2dMaxPool"), withDx.toString());
        // 3×3×8 = 72 taps: the GEMM's, recomputing nothing is not the point there
        List<String> large = kernels(layer(DType.F32, new int[] {2, 8, 8, 8}, new int[] {3, 3, 8, 4}, conv(ONE, VALID), pool(2, 2, VALID), true, true, false));
        assertTrue(large.containsAll(unfused) && !large.contains("conv2dMaxPool"), large.toString());
        List<String> f64 = kernels(layer(DType.F64, new int[] {2, 8, 8, 1}, new int[] {3, 3, 1, 4}, conv(ONE, VALID), pool(2, 2, VALID), true, true, false));
        assertTrue(f64.containsAll(unfused) && !f64.contains("conv2dMaxPool"), f64.toString());
    }

    @Test
    void theMeasurementSwitchTurnsTheFusionOff() {
        System.setProperty("dlm.fusion.convMaxPool", "false");
        try {
            List<String> off = kernels(layer(DType.F32, new int[] {2, 8, 8, 1}, new int[] {3, 3, 1, 4}, conv(ONE, VALID), pool(2, 2, VALID), true, true, false));
            assertTrue(off.containsAll(List.of("conv2d", "conv2dBackpropFilter", "maxPool2d", "maxPool2dBackprop")) && !off.contains("conv2dMaxPool"), off.toString());
        } finally {
            System.clearProperty("dlm.fusion.convMaxPool");
        }
    }

    @Test
    void aPredictStepFusesTheForwardPass() {
        G g = new G();
        Node x = g.input("x", DType.F32, 3, 12, 12, 1), k = g.input("k", DType.F32, 3, 3, 1, 6), b = g.input("b", DType.F32, 6);
        g.out("p", g.op("maxPool2d", pool(2, 2, VALID), g.op("relu", g.op("add", g.op("conv2d", conv(ONE, VALID), x, k), b))));
        Compilation c = CodegenTestSupport.check(g.g, Map.of("x", rand(DType.F32, 3, 12, 12, 1), "k", rand(DType.F32, 3, 3, 1, 6), "b", rand(DType.F32, 6)), new ParamStore(), 1e-5);
        assertEquals(List.of("conv2dMaxPool"), kernels(c));
    }

    /**
     * By hand: x = [[1, 2, 0], [0, 3, 1], [2, 0, 1]], a 1×1 kernel 2, bias −1, relu: the convolution
     * is [[1, 3, 0], [0, 5, 1], [3, 0, 1]]; every 2×2 window (stride 1) is won by the 5 at (1, 1) —
     * codes 3, 2, 1, 0 — so dk = x(1, 1) · Σ dy = 3 · 10 and db = Σ dy = 10.
     */
    @Test
    void aSmallCaseByHand() {
        G g = new G();
        Node x = g.input("x", DType.F32, 1, 3, 3, 1), k = g.input("k", DType.F32, 1, 1, 1, 1), b = g.input("b", DType.F32, 1);
        Node p = g.op("maxPool2d", pool(2, 1, VALID), g.op("relu", g.op("add", g.op("conv2d", conv(ONE, VALID), x, k), b)));
        Node loss = g.op("sum", g.op("mul", p, g.constant(Tensor.of(DType.F32, new int[] {1, 2, 2, 1}, 1, 2, 3, 4))));
        List<Node> grads = Autodiff.grad(g.g, loss, List.of(k, b), g.span());
        g.out("pooled", p).out("dk", grads.get(0)).out("db", grads.get(1));
        Map<String, Tensor> feeds = Map.of("x", Tensor.of(DType.F32, new int[] {1, 3, 3, 1}, 1, 2, 0, 0, 3, 1, 2, 0, 1),
                "k", Tensor.of(DType.F32, new int[] {1, 1, 1, 1}, 2), "b", Tensor.of(DType.F32, new int[] {1}, -1));
        Compilation c = CodegenTestSupport.check(g.g, feeds, new ParamStore(), 0);
        assertEquals(FUSED, kernels(c));
        var run = c.instantiate(feeds);
        run.run();
        assertEquals("[5.0, 5.0, 5.0, 5.0]", java.util.Arrays.toString(run.output("pooled").toDoubles()));
        assertEquals(30.0, run.output("dk").getDouble(0));
        assertEquals(10.0, run.output("db").getDouble(0));
    }
}
