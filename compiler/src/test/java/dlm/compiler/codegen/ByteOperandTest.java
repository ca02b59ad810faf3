package dlm.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dlm.compiler.codegen.CodegenTestSupport.G;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Node;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A product's left operand computed element-wise from one u8 array is read from the bytes through
 * a table (see {@code GemmByteTableRule}), transposed or not, with or without an
 * epilogue; other readers of the operand keep its float copy. Always the interpreter's values.
 */
class ByteOperandTest {
    private static final Random R = new Random(11);

    private static Node w(G g, int... shape) { return g.constant(CodegenTestSupport.random(DType.F32, shape, R)); }

    private static Compilation check(G g, int rows, int cols) {
        Tensor bytes = CodegenTestSupport.random(DType.U8, new int[] {rows, cols}, R);
        bytes.setLong(0, 255);
        bytes.setLong(1, 0);
        return CodegenTestSupport.check(g.g, Map.of("u", bytes), new dlm.compiler.interp.ParamStore(), 1e-5);
    }

    private static List<Unit.Gemm> tabled(Compilation c) {
        return c.plan.schedule.stream().filter(u -> u instanceof Unit.Gemm g && g.aTable != null).map(u -> (Unit.Gemm) u).toList();
    }

    @Test
    void scaledBytesFeedAProductAndItsTransposeWithoutAFloatCopy() {
        G g = new G();
        Node u = g.input("u", DType.U8, 12, 19);
        Node x = g.op("sub", g.op("div", g.op("cast", Attrs.of("dtype", DType.F32), u), g.scalar(DType.F32, 255)), g.scalar(DType.F32, 0.5));
        Node b = g.constant(CodegenTestSupport.random(DType.F32, new int[] {40}, R));
        g.out("dense", g.op("relu", g.op("add", g.op("matmul", x, w(g, 19, 40)), b)));
        g.out("xt", g.op("matmul", g.op("transpose", x), w(g, 12, 33)));
        Compilation c = check(g, 12, 19);
        assertEquals(2, tabled(c).size());
        assertEquals(List.of(), c.plan.schedule.stream().filter(s -> !(s instanceof Unit.Gemm)).map(s -> s.method).toList(), "no loop writes x");
        assertEquals(List.of("cast", "div", "sub"), tabled(c).get(0).tabulated.stream().map(Node::opName).toList());
    }

    @Test
    void aReductionOfTheOperandStillRunsButNeitherStoresNorReadsAFloatCopy() {
        G g = new G();
        Node u = g.input("u", DType.U8, 9, 17);
        Node x = g.op("mul", g.op("cast", Attrs.of("dtype", DType.F32), u), g.scalar(DType.F32, 0.25));
        g.out("p", g.op("matmul", x, w(g, 17, 36)));
        g.out("s", g.op("sum", x)); // fused with x's loop, in registers
        Compilation c = check(g, 9, 17);
        assertEquals(1, tabled(c).size());
        assertEquals(List.of("sum"), c.plan.schedule.stream().filter(s -> s instanceof Unit.Group).map(Unit::kind).toList());
    }

    @Test
    void anOperandThatIsAlsoAnOutputIsStoredAndReadAsFloats() {
        G g = new G();
        Node u = g.input("u", DType.U8, 9, 17);
        Node x = g.op("mul", g.op("cast", Attrs.of("dtype", DType.F32), u), g.scalar(DType.F32, 0.25));
        g.out("p", g.op("matmul", x, w(g, 17, 36)));
        g.out("x", x);
        assertEquals(0, tabled(check(g, 9, 17)).size());
    }

    @Test
    void twoByteSourcesOrAFloatInputAreNotTabulated() {
        G g = new G();
        Node u = g.input("u", DType.U8, 8, 20);
        Node v = g.input("v", DType.U8, 8, 20);
        Node x = g.op("add", g.op("cast", Attrs.of("dtype", DType.F32), u), g.op("cast", Attrs.of("dtype", DType.F32), v));
        g.out("p", g.op("matmul", x, w(g, 20, 34)));
        Tensor bu = CodegenTestSupport.random(DType.U8, new int[] {8, 20}, R), bv = CodegenTestSupport.random(DType.U8, new int[] {8, 20}, R);
        Compilation c = CodegenTestSupport.check(g.g, Map.of("u", bu, "v", bv), new dlm.compiler.interp.ParamStore(), 1e-5);
        assertEquals(0, tabled(c).size());
        Unit.Gemm p = (Unit.Gemm) c.plan.schedule.stream().filter(s -> s instanceof Unit.Gemm).findFirst().orElseThrow();
        assertNull(p.aTable);
    }
}
