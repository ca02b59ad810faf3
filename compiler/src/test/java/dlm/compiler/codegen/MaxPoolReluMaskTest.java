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
 * relu's gradient mask on a max-pooled relu output goes into the pooling gradient's kernel
 * (MaxPoolReluMaskFusion) when the pooling gradient has no other reader; in every case the
 * compiled step computes what the interpreter computes from the unfused graph.
 */
class MaxPoolReluMaskTest {
    private static final Random R = new Random(12);
    private static final Attrs CONV = Attrs.of("strides", new int[] {1, 1}, "dilation", new int[] {1, 1}, "padding", new int[] {0, 0, 0, 0});

    private static Attrs pool(int p, int s) {
        return Attrs.of("pool", new int[] {p, p}, "strides", new int[] {s, s}, "padding", new int[] {0, 0, 0, 0});
    }

    /** The relu flag of each maxPool2dBackprop kernel step, and whether any where step is left. */
    private static List<String> steps(Compilation c) {
        return c.plan.schedule.stream().flatMap(u -> u.nodes.stream())
                .filter(n -> n.is("maxPool2dBackprop") || n.is("where"))
                .map(n -> n.opName() + (n.attrs().getBool("relu", false) ? " relu" : "")).toList();
    }

    private static Tensor rand(int... shape) { return CodegenTestSupport.random(DType.F32, shape, R); }

    /** loss = sum(maxPool2d(relu(conv2d(x, k) + b)) · w), its gradients in x, k and b. */
    private static Compilation layer(Attrs pool, int oh, boolean alsoOutputTheMask) {
        G g = new G();
        Node x = g.input("x", DType.F32, 2, 9, 9, 3);
        Node k = g.input("k", DType.F32, 3, 3, 3, 8), b = g.input("b", DType.F32, 8);
        Node y = g.op("relu", g.op("add", g.op("conv2d", CONV, x, k), b));
        Node p = g.op("maxPool2d", pool, y);
        Node loss = g.op("sum", g.op("mul", p, g.constant(rand(2, oh, oh, 8))));
        List<Node> grads = Autodiff.grad(g.g, loss, List.of(x, k, b), g.span());
        g.out("loss", loss).out("dx", grads.get(0)).out("dk", grads.get(1)).out("db", grads.get(2));
        if (alsoOutputTheMask) g.out("pooledGrad", g.op("maxPool2dBackprop", pool, y, g.constant(rand(2, oh, oh, 8))));
        Tensor xs = rand(2, 9, 9, 3);
        xs.setDouble(5, Double.NaN);
        Map<String, Tensor> feeds = Map.of("x", xs, "k", rand(3, 3, 3, 8), "b", rand(8));
        return CodegenTestSupport.check(g.g, feeds, new ParamStore(), 1e-6 * 60 * 10);
    }

    @Test
    void disjointWindowsTakeTheMask() {
        assertEquals(List.of("maxPool2dBackprop relu"), steps(layer(pool(2, 2), 3, false)));
    }

    @Test
    void overlappingWindowsTakeTheMask() {
        assertEquals(List.of("maxPool2dBackprop relu"), steps(layer(pool(3, 2), 3, false)));
    }

    @Test
    void aPoolingGradientWithoutTheMaskStaysUnmasked() {
        // the extra output's pooling gradient has no where after it; the chain's still fuses
        assertEquals(List.of("maxPool2dBackprop", "maxPool2dBackprop relu"), steps(layer(pool(2, 2), 3, true)).stream().sorted().toList());
    }

    @Test
    void notFusedWhenTheMaskIsOfAnotherTensorOrThePoolingGradientHasAnotherReader() {
        G g = new G();
        Node x = g.input("x", DType.F32, 2, 6, 6, 4), z = g.input("z", DType.F32, 2, 6, 6, 4), dy = g.input("dy", DType.F32, 2, 3, 3, 4);
        Node zero = g.constant(Tensor.zeros(DType.F32));
        Node other = g.op("maxPool2dBackprop", pool(2, 2), x, dy);
        g.out("a", g.op("where", g.op("greater", z, zero), other, zero));
        Node shared = g.op("maxPool2dBackprop", pool(2, 2), x, g.op("neg", dy));
        g.out("b", g.op("where", g.op("greater", x, zero), shared, zero));
        g.out("c", g.op("mul", shared, shared));
        Map<String, Tensor> feeds = Map.of("x", rand(2, 6, 6, 4), "z", rand(2, 6, 6, 4), "dy", rand(2, 3, 3, 4));
        Compilation c = CodegenTestSupport.check(g.g, feeds, new ParamStore(), 1e-6);
        assertEquals(List.of("maxPool2dBackprop", "maxPool2dBackprop", "where", "where"), steps(c).stream().sorted().toList());
    }
}
