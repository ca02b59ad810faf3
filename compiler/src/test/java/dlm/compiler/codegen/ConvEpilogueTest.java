package dlm.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dlm.compiler.autodiff.Autodiff;
import dlm.compiler.codegen.CodegenTestSupport.G;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Node;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A convolution layer's bias and relu go into the conv2d kernel's epilogue (ConvEpilogueFusion)
 * only when nothing else reads the convolution or the sum and the bias is one value per filter;
 * in every case the compiled step computes what the interpreter computes from the unfused graph.
 */
class ConvEpilogueTest {
    private static final Random R = new Random(9);
    private static final Attrs CONV = Attrs.of("strides", new int[] {1, 1}, "dilation", new int[] {1, 1}, "padding", new int[] {1, 1, 1, 1});

    /** Each conv2d kernel step: its input count and relu flag, e.g. "3 relu". */
    private static List<String> convSteps(Compilation c) {
        return c.plan.schedule.stream().filter(u -> u instanceof Unit.Kernel && u.firstNode().is("conv2d"))
                .map(u -> u.firstNode().inputs().size() + (u.firstNode().attrs().getBool("relu", false) ? " relu" : "")).toList();
    }

    private static Node k(G g) { return g.constant(CodegenTestSupport.random(DType.F32, new int[] {3, 3, 4, 8}, R)); }

    private static Node b(G g, int... shape) { return g.constant(CodegenTestSupport.random(DType.F32, shape, R)); }

    private static Compilation check(G g) {
        Tensor x = CodegenTestSupport.random(DType.F32, new int[] {2, 6, 5, 4}, R);
        x.setDouble(7, Double.NaN); // NaN goes through the convolution, the bias and the relu
        return CodegenTestSupport.check(g.g, Map.of("x", x), new ParamStore(), 1e-6 * 36);
    }

    @Test
    void biasAndReluOfAConvLayerAreTheKernelsEpilogue() {
        G g = new G();
        Node x = g.input("x", DType.F32, 2, 6, 5, 4);
        g.out("y", g.op("relu", g.op("add", g.op("conv2d", CONV, x, k(g)), b(g, 8))));
        Compilation c = check(g);
        assertEquals(List.of("3 relu"), convSteps(c));
        // the profile's flops: (2·6·5 positions) × (3·3·4 taps) × 8 filters multiply-adds
        assertEquals(List.of(2L * (2 * 6 * 5) * (3 * 3 * 4) * 8), c.plan.schedule.stream().filter(u -> u instanceof Unit.Kernel).map(u -> ((Unit.Kernel) u).call.flops()).toList());
    }

    @Test
    void aBiasAloneAndABiasOnTheLeftFuseToo() {
        G g = new G();
        Node x = g.input("x", DType.F32, 2, 6, 5, 4);
        g.out("y", g.op("add", g.op("conv2d", CONV, x, k(g)), b(g, 8)));
        g.out("z", g.op("relu", g.op("add", b(g, 8), g.op("conv2d", CONV, x, k(g)))));
        assertEquals(List.of("3", "3 relu"), convSteps(check(g)));
    }

    @Test
    void notFusedWhenTheConvolutionOrTheSumHasAnotherReaderOrTheBiasIsNotPerFilter() {
        G g = new G();
        Node x = g.input("x", DType.F32, 2, 6, 5, 4);
        Node c = g.op("conv2d", CONV, x, k(g));
        g.out("y", g.op("relu", g.op("add", c, b(g, 8))));
        g.out("c", c);
        Node s = g.op("add", g.op("conv2d", CONV, x, k(g)), b(g, 8));
        g.out("r", g.op("relu", s));
        g.out("s2", g.op("mul", s, s));
        g.out("w", g.op("relu", g.op("add", g.op("conv2d", CONV, x, k(g)), b(g, 1, 1, 1, 8))));
        g.out("v", g.op("relu", g.op("add", g.op("conv2d", CONV, x, k(g)), b(g))));
        // The second conv: its sum has two readers, so the bias alone fuses (the relu cannot).
        assertEquals(List.of("2", "3", "2", "2"), convSteps(check(g)));
    }

    @Test
    void gradientsThroughTheFusedLayer() {
        G g = new G();
        Node x = g.input("x", DType.F32, 2, 6, 5, 4);
        Node k = g.input("k", DType.F32, 3, 3, 4, 8), b = g.input("b", DType.F32, 8);
        Node y = g.op("relu", g.op("add", g.op("conv2d", CONV, x, k), b));
        Node loss = g.op("sum", g.op("mul", y, g.constant(CodegenTestSupport.random(DType.F32, new int[] {2, 6, 5, 8}, R))));
        List<Node> grads = Autodiff.grad(g.g, loss, List.of(x, k, b), g.span());
        g.out("loss", loss).out("dx", grads.get(0)).out("dk", grads.get(1)).out("db", grads.get(2));
        Map<String, Tensor> feeds = Map.of("x", CodegenTestSupport.random(DType.F32, new int[] {2, 6, 5, 4}, R),
                "k", CodegenTestSupport.random(DType.F32, new int[] {3, 3, 4, 8}, R), "b", CodegenTestSupport.random(DType.F32, new int[] {8}, R));
        Compilation c = CodegenTestSupport.check(g.g, feeds, new ParamStore(), 1e-6 * 60 * 10);
        assertEquals(List.of("3 relu"), convSteps(c));
    }
}
