package dlm.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dlm.compiler.codegen.CodegenTestSupport.G;
import dlm.compiler.ir.Node;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A dense layer's bias add and relu become the epilogue of its matrix product only when nothing
 * else reads the product or the sum, the bias is a stored row vector and the product is a plain
 * 2-D f32 one; in every case the compiled step computes what the interpreter computes.
 */
class GemmEpilogueTest {

    private static final Random R = new Random(5);

    /** The ops of each product step, e.g. [matmul, add, relu]. */
    private static List<List<String>> gemmSteps(Compilation c) {
        return c.plan.schedule.stream().filter(u -> u instanceof Unit.Gemm).map(u -> u.nodes.stream().map(Node::opName).toList()).toList();
    }

    private static Compilation check(G g, Tensor x) { return check(g, Map.of("x", x)); }

    private static Compilation check(G g, Map<String, Tensor> feeds) {
        return CodegenTestSupport.check(g.g, feeds, new dlm.compiler.interp.ParamStore(), 1e-5);
    }

    private static Node w(G g, int... shape) { return g.constant(CodegenTestSupport.random(DType.F32, shape, R)); }

    private static Tensor x(int rows, int k) {
        Tensor t = CodegenTestSupport.random(DType.F32, new int[] {rows, k}, R);
        t.setDouble(0, Double.NaN); // NaN goes through the product, the bias and the relu
        return t;
    }

    @Test
    void biasAndReluOfADenseLayerAreTheProductsEpilogue() {
        G g = new G();
        Node x = g.input("x", DType.F32, 9, 37);
        Node w = g.constant(CodegenTestSupport.random(DType.F32, new int[] {37, 40}, R));
        Node b = g.constant(CodegenTestSupport.random(DType.F32, new int[] {40}, R));
        g.out("y", g.op("relu", g.op("add", g.op("matmul", x, w), b)));
        assertEquals(List.of(List.of("matmul", "add", "relu")), gemmSteps(check(g, x(9, 37))));
    }

    @Test
    void biasFirstOperandOrAsARowMatrixAndReluAloneFuseToo() {
        G g = new G();
        Node x = g.input("x", DType.F32, 5, 33);
        Node b = g.constant(CodegenTestSupport.random(DType.F32, new int[] {1, 48}, R));
        g.out("biased", g.op("add", b, g.op("matmul", x, w(g, 33, 48))));
        g.out("relu", g.op("relu", g.op("matmul", x, w(g, 33, 48))));
        assertEquals(List.of(List.of("matmul", "add"), List.of("matmul", "relu")), gemmSteps(check(g, x(5, 33))));
    }

    @Test
    void aProductOrSumReadTwiceIsStoredAndNotFused() {
        G g = new G();
        Node x = g.input("x", DType.F32, 6, 20);
        Node w = g.constant(CodegenTestSupport.random(DType.F32, new int[] {20, 36}, R));
        Node b = g.constant(CodegenTestSupport.random(DType.F32, new int[] {36}, R));
        Node mm = g.op("matmul", x, w);
        Node z = g.op("add", mm, b);
        g.out("relu", g.op("relu", z));
        g.out("z", z); // the sum is an output as well: the relu cannot be fused
        Node mm2 = g.op("matmul", x, w(g, 20, 36));
        g.out("twice", g.op("add", g.op("add", mm2, b), g.op("neg", mm2))); // product read twice
        assertEquals(List.of(List.of("matmul", "add"), List.of("matmul")), gemmSteps(check(g, x(6, 20))));
    }

    @Test
    void aBiasThatIsNotARowVectorOrABatchedProductIsNotFused() {
        G g = new G();
        Node x = g.input("x", DType.F32, 4, 24);
        Node col = g.constant(CodegenTestSupport.random(DType.F32, new int[] {4, 1}, R));
        g.out("colBias", g.op("add", g.op("matmul", x, w(g, 24, 34)), col)); // broadcast down columns: not a bias
        Node full = g.constant(CodegenTestSupport.random(DType.F32, new int[] {4, 34}, R));
        g.out("fullBias", g.op("add", g.op("matmul", x, w(g, 24, 34)), full));
        Node xs = g.input("xs", DType.F32, 2, 2, 24);
        g.out("batched", g.op("relu", g.op("matmul", xs, w(g, 2, 24, 34))));
        Map<String, Tensor> feeds = Map.of("x", x(4, 24), "xs", x(4, 24).reshape(2, 2, 24));
        assertEquals(List.of(List.of("matmul"), List.of("matmul"), List.of("matmul")), gemmSteps(check(g, feeds)));
    }

    @Test
    void reluBackwardMasksTheProductOnlyForTheExactPattern() {
        G g = new G();
        Node x = g.input("x", DType.F32, 7, 16);
        Node y = g.op("relu", g.op("matmul", x, g.constant(CodegenTestSupport.random(DType.F32, new int[] {16, 40}, R))));
        Node zero = g.scalar(DType.F32, 0);
        Node mm = g.op("matmul", x, g.constant(CodegenTestSupport.random(DType.F32, new int[] {16, 40}, R)));
        g.out("masked", g.op("where", g.op("greater", y, zero), mm, zero));
        // other branch not zero, or a comparison read twice: a loop as before
        Node mm2 = g.op("matmul", x, g.constant(CodegenTestSupport.random(DType.F32, new int[] {16, 40}, R)));
        Node y2 = g.op("relu", g.op("matmul", x, g.constant(CodegenTestSupport.random(DType.F32, new int[] {16, 40}, R))));
        g.out("notZero", g.op("where", g.op("greater", y2, zero), mm2, g.scalar(DType.F32, 1)));
        Node twice = g.op("greater", y, g.scalar(DType.F32, 0.5));
        Node mm3 = g.op("matmul", x, g.constant(CodegenTestSupport.random(DType.F32, new int[] {16, 40}, R)));
        g.out("twice", g.op("where", twice, mm3, zero));
        g.out("cond", twice);
        Tensor in = x(7, 16);
        in.setDouble(5, Double.POSITIVE_INFINITY);
        Compilation c = check(g, in);
        long masked = c.plan.schedule.stream().filter(u -> u instanceof Unit.Gemm gm && gm.mask != null).count();
        assertEquals(1, masked);
    }
}
