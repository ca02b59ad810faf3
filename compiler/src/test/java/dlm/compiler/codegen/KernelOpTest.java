package dlm.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.diag.DlmException;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.TensorType;
import dlm.compiler.ops.KernelCall;
import dlm.compiler.ops.KernelOp;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.testkernels.TestKernels;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The generic lowering of kernel ops: an op declares its runtime call and nothing in codegen
 * names it. Test ops (not registered) over {@link TestKernels}: a row reversal through a scratch
 * row, with f32 and f64 overloads, and a total that the kernel returns instead of writing.
 */
class KernelOpTest {
    /** Reverses the last axis; its kernel needs a scratch row. */
    static final KernelOp REVERSE = new KernelOp() {
        @Override
        public String name() { return "reverseLast"; }

        @Override
        public TensorType infer(List<TensorType> inputs, Attrs attrs) { return inputs.get(0); }

        @Override
        public Tensor eval(List<Tensor> inputs, Attrs attrs) {
            Tensor x = inputs.get(0);
            int n = x.dim(x.rank() - 1), rows = x.size() / n;
            Tensor y = Tensor.zeros(x.dtype(), x.shape());
            for (int r = 0; r < rows; r++) for (int k = 0; k < n; k++) y.setDouble(r * n + k, x.getDouble(r * n + n - 1 - k));
            return y;
        }

        @Override
        public KernelCall kernel(Node node, List<int[]> inputShapes, int[] shape) {
            int n = shape[shape.length - 1], rows = 1;
            for (int a = 0; a < shape.length - 1; a++) rows *= shape[a];
            return KernelCall.of(TestKernels.class, "reverseRows", KernelCall.input(0), KernelCall.output(),
                    KernelCall.constant(rows), KernelCall.constant(n), KernelCall.scratch(node.type().dtype(), n));
        }
    };

    /** The sum of all elements, returned by the kernel (a scalar of the input's dtype). */
    static final KernelOp TOTAL = new KernelOp() {
        @Override
        public String name() { return "total"; }

        @Override
        public TensorType infer(List<TensorType> inputs, Attrs attrs) { return TensorType.scalar(inputs.get(0).dtype()); }

        @Override
        public Tensor eval(List<Tensor> inputs, Attrs attrs) {
            double s = 0;
            for (int i = 0; i < inputs.get(0).size(); i++) s += inputs.get(0).getDouble(i);
            return Tensor.scalar(inputs.get(0).dtype(), s);
        }

        @Override
        public KernelCall kernel(Node node, List<int[]> inputShapes, int[] shape) {
            int n = 1;
            for (int d : inputShapes.get(0)) n *= d;
            return KernelCall.of(TestKernels.class, "total", KernelCall.input(0), KernelCall.constant(n));
        }
    };

    private static Node apply(CodegenTestSupport.G g, KernelOp op, Node x) { return g.g.add(op, List.of(x), Attrs.EMPTY, g.span()); }

    @Test
    void f32AndF64PickTheirOverloadAndMatchTheReferenceExactly() {
        for (DType d : List.of(DType.F32, DType.F64)) {
            var g = new CodegenTestSupport.G();
            Node x = g.input("x", d, 3, 5);
            g.out("y", apply(g, REVERSE, x));
            Tensor xs = CodegenTestSupport.random(d, new int[] {3, 5}, new Random(1));
            Compilation c = CodegenTestSupport.check(g.g, Map.of("x", xs));
            CompiledGraph cg = c.instantiate(Map.of("x", xs));
            cg.run();
            Tensor y = cg.output("y");
            assertEquals(xs.getDouble(4), y.getDouble(0), "row 0 reversed");
            assertEquals(xs.getDouble(14), y.getDouble(10), "row 2 reversed");
            // the scratch row is planned as an intermediate of its dtype and size
            Unit.Kernel k = (Unit.Kernel) c.plan.schedule.stream().filter(u -> u instanceof Unit.Kernel).findFirst().orElseThrow();
            Value scratch = k.values[k.values.length - 1];
            assertEquals(d, scratch.dtype);
            assertEquals(5, scratch.size);
            assertTrue(c.disassemble().contains("reverseRows"), "calls the kernel");
        }
    }

    @Test
    void aNonContiguousInputIsCopiedFirst() {
        var g = new CodegenTestSupport.G();
        Node x = g.input("x", DType.F32, 4, 3);
        Node t = g.op("transpose", x);
        g.out("y", apply(g, REVERSE, t));
        CodegenTestSupport.check(g.g, Map.of("x", CodegenTestSupport.random(DType.F32, new int[] {4, 3}, new Random(2))));
    }

    @Test
    void aReturnedResultIsTheOutputsOneElement() {
        var g = new CodegenTestSupport.G();
        Node x = g.input("x", DType.F32, 2, 3);
        g.out("s", apply(g, TOTAL, g.op("mul", x, x)));
        Tensor xs = Tensor.of(DType.F32, new int[] {2, 3}, 1, 2, 3, 4, 5, 0.1f);
        Compilation c = CodegenTestSupport.check(g.g, Map.of("x", xs));
        CompiledGraph cg = c.instantiate(Map.of("x", xs));
        cg.run();
        assertEquals((float) (1 + 4 + 9 + 16 + 25 + (double) (0.1f * 0.1f)), cg.output("s").getDouble(0), 0);
    }

    /** A kernel op whose declared call contradicts its kernel is a compiler bug, reported as such. */
    @Test
    void aReturnedResultNeedsAScalarOutputAndAStaticMethod() {
        KernelOp wide = new KernelOp() {
            @Override
            public String name() { return "wideTotal"; }

            @Override
            public TensorType infer(List<TensorType> inputs, Attrs attrs) { return inputs.get(0); }

            @Override
            public Tensor eval(List<Tensor> inputs, Attrs attrs) { throw new UnsupportedOperationException(); }

            @Override
            public KernelCall kernel(Node node, List<int[]> inputShapes, int[] shape) {
                return KernelCall.of(TestKernels.class, "total", KernelCall.input(0), KernelCall.constant(6));
            }
        };
        var g = new CodegenTestSupport.G();
        g.out("y", apply(g, wide, g.input("x", DType.F32, 2, 3)));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Codegen.compile(g.g, Map.of("x", new int[] {2, 3})));
        assertTrue(e.getMessage().contains("is not one element"), e.getMessage());

        KernelOp instance = new KernelOp() {
            @Override
            public String name() { return "instance"; }

            @Override
            public TensorType infer(List<TensorType> inputs, Attrs attrs) { return inputs.get(0); }

            @Override
            public Tensor eval(List<Tensor> inputs, Attrs attrs) { throw new UnsupportedOperationException(); }

            @Override
            public KernelCall kernel(Node node, List<int[]> inputShapes, int[] shape) {
                return KernelCall.of(TestKernels.class, "notStatic", KernelCall.input(0), KernelCall.output());
            }
        };
        var h = new CodegenTestSupport.G();
        h.out("y", apply(h, instance, h.input("x", DType.F32, 2, 3)));
        e = assertThrows(IllegalStateException.class, () -> Codegen.compile(h.g, Map.of("x", new int[] {2, 3})));
        assertTrue(e.getMessage().contains("is not static"), e.getMessage());
    }

    @Test
    void aKernelOutsideTheRuntimeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> KernelCall.of(String.class, "valueOf", KernelCall.input(0)));
    }

    @Test
    void aDtypeWithoutAnOverloadIsALocatedError() {
        var g = new CodegenTestSupport.G();
        Node x = g.input("x", DType.I32, 2, 3);
        g.out("y", apply(g, REVERSE, x));
        DlmException e = assertThrows(DlmException.class, () -> Codegen.compile(g.g, Map.of("x", new int[] {2, 3})));
        assertEquals("the code generator does not support i32 reverseLast", e.getMessage());
        assertEquals(2, e.span().line());
    }
}
