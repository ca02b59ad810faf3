package dlm.compiler.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.compiler.ops.OpRegistry;
import dlm.compiler.ops.ShapeException;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The forward rules of the ops added for differentiation: pad, numel and sparseSoftmaxCrossEntropy. */
class GradientOpsTest {

    private static Tensor eval(String op, Attrs a, Tensor... in) { return OpRegistry.get(op).eval(List.of(in), a); }

    private static TensorType infer(String op, Attrs a, TensorType... in) { return OpRegistry.get(op).infer(List.of(in), a); }

    private static String error(Runnable r) { return assertThrows(ShapeException.class, r::run).getMessage(); }

    private static Attrs pad(int[] axes, int[] lows, int[] highs, int[] interiors) {
        return Attrs.of("axes", axes, "lows", lows, "highs", highs, "interiors", interiors);
    }

    @Test
    void padSpreadsIntoZeros() {
        Tensor x = Tensor.of(DType.I32, new int[] {3}, 1, 2, 3);
        Tensor out = eval("pad", pad(new int[] {0}, new int[] {2}, new int[] {1}, new int[] {1}), x);
        assertArrayEquals(new int[] {8}, out.shape());
        assertArrayEquals(new double[] {0, 0, 1, 0, 2, 0, 3, 0}, out.toDoubles());
        assertEquals(DType.I32, out.dtype());

        Tensor m = Tensor.of(DType.F32, new int[] {2, 2}, 1, 2, 3, 4);
        Tensor p = eval("pad", pad(new int[] {1, 0}, new int[] {1, 0}, new int[] {0, 1}, new int[] {0, 0}), m);
        assertArrayEquals(new int[] {3, 3}, p.shape());
        assertArrayEquals(new double[] {0, 1, 2, 0, 3, 4, 0, 0, 0}, p.toDoubles());
        // No paddings: a copy; an empty axis gets just the low and high padding.
        assertEquals(m, eval("pad", pad(new int[] {}, new int[] {}, new int[] {}, new int[] {}), m));
        assertArrayEquals(new int[] {3}, eval("pad", pad(new int[] {0}, new int[] {1}, new int[] {2}, new int[] {5}), Tensor.zeros(DType.F32, 0)).shape());
        // bool pads with false
        Tensor b = eval("pad", pad(new int[] {0}, new int[] {1}, new int[] {0}, new int[] {0}), Tensor.of(DType.BOOL, new int[] {1}, 1));
        assertArrayEquals(new double[] {0, 1}, b.toDoubles());
    }

    /** pad is the transpose of slice: padding a slice's output puts each element back where it was read. */
    @Test
    void padUndoesASlice() {
        Tensor x = Tensor.of(DType.F64, new int[] {7}, 1, 2, 3, 4, 5, 6, 7);
        Tensor s = eval("slice", Attrs.of("axes", new int[] {0}, "starts", new int[] {1}, "stops", new int[] {7}, "steps", new int[] {3}), x);
        assertArrayEquals(new double[] {2, 5}, s.toDoubles());
        Tensor back = eval("pad", pad(new int[] {0}, new int[] {1}, new int[] {2}, new int[] {2}), s);
        assertArrayEquals(new double[] {0, 2, 0, 0, 5, 0, 0}, back.toDoubles());
    }

    @Test
    void padTypeRule() {
        TensorType t = new TensorType(DType.F32, Shape.of(Dim.sym("batch"), Dim.of(3)));
        assertEquals(new TensorType(DType.F32, Shape.of(Dim.sym("batch"), Dim.of(8))), // 1 + 3 + 2·1 + 2,
                infer("pad", pad(new int[] {1}, new int[] {1}, new int[] {2}, new int[] {1}), t));
        assertEquals("cannot pad axis 0 of f32[batch, 3]: its size batch is not known statically",
                error(() -> infer("pad", pad(new int[] {0}, new int[] {1}, new int[] {0}, new int[] {0}), t)));
        assertEquals("cannot pad axis 2 of f32[batch, 3]: it has rank 2", error(() -> infer("pad", pad(new int[] {2}, new int[] {1}, new int[] {0}, new int[] {0}), t)));
        assertEquals("cannot pad axis 1 of f32[batch, 3] by -1, 0, 0: paddings must be 0 or more",
                error(() -> infer("pad", pad(new int[] {1}, new int[] {-1}, new int[] {0}, new int[] {0}), t)));
        assertEquals("cannot pad axis 1 of f32[batch, 3] twice",
                error(() -> infer("pad", pad(new int[] {1, 1}, new int[] {0, 0}, new int[] {0, 0}, new int[] {0, 0}), t)));
    }

    @Test
    void numelCountsElements() {
        Tensor x = Tensor.zeros(DType.U8, 2, 3, 4);
        assertEquals(Tensor.scalar(DType.F32, 24), eval("numel", Attrs.of("dtype", DType.F32), x));
        assertEquals(Tensor.scalar(DType.I64, 8), eval("numel", Attrs.of("axes", new int[] {0, 2}, "dtype", DType.I64), x));
        assertEquals(Tensor.scalar(DType.F64, 1), eval("numel", Attrs.of("axes", new int[] {}, "dtype", DType.F64), x));
        assertEquals(TensorType.scalar(DType.F32), infer("numel", Attrs.of("dtype", DType.F32), new TensorType(DType.F64, Shape.of(Dim.sym("n")))));
        assertEquals("axis 3 is out of range for u8[2, 3, 4]",
                error(() -> infer("numel", Attrs.of("axes", new int[] {3}, "dtype", DType.F32), TensorType.of(DType.U8, 2, 3, 4))));
    }

    @Test
    void sparseSoftmaxCrossEntropyIsTheMeanCrossentropy() {
        Tensor logits = Tensor.of(DType.F64, new int[] {2, 3}, 1, 2, 3, 0, 0, 0);
        Tensor labels = Tensor.of(DType.U8, new int[] {2}, 2, 0);
        double row0 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3, row1 = Math.log(3);
        assertEquals((row0 + row1) / 2, eval("sparseSoftmaxCrossEntropy", Attrs.EMPTY, logits, labels).getDouble(0), 1e-15);
        // Stable on large logits: no overflow, no log(0).
        Tensor big = Tensor.of(DType.F32, new int[] {1, 2}, 1000, -1000);
        assertEquals(2000, eval("sparseSoftmaxCrossEntropy", Attrs.EMPTY, big, Tensor.of(DType.I32, new int[] {1}, 1)).getDouble(0), 1e-3);
        assertEquals(0, eval("sparseSoftmaxCrossEntropy", Attrs.EMPTY, big, Tensor.of(DType.I32, new int[] {1}, 0)).getDouble(0), 1e-6);
        assertEquals("sparseSoftmaxCrossEntropy: label 3 is out of range for 3 classes",
                error(() -> eval("sparseSoftmaxCrossEntropy", Attrs.EMPTY, logits, Tensor.of(DType.I32, new int[] {2}, 3, 0))));
    }

    @Test
    void sparseSoftmaxCrossEntropyTypeRule() {
        Shape bk = Shape.of(Dim.sym("batch"), Dim.of(10));
        TensorType logits = new TensorType(DType.F32, bk);
        assertEquals(TensorType.scalar(DType.F32), infer("sparseSoftmaxCrossEntropy", Attrs.EMPTY, logits, new TensorType(DType.U8, Shape.of(Dim.sym("batch")))));
        assertEquals("'sparseSoftmaxCrossEntropy' needs labels of shape [batch] for logits f32[batch, 10], got i32[4]",
                error(() -> infer("sparseSoftmaxCrossEntropy", Attrs.EMPTY, logits, TensorType.of(DType.I32, 4))));
        assertEquals("'sparseSoftmaxCrossEntropy' needs integer labels, got f32[batch]",
                error(() -> infer("sparseSoftmaxCrossEntropy", Attrs.EMPTY, logits, new TensorType(DType.F32, Shape.of(Dim.sym("batch"))))));
        assertEquals("'sparseSoftmaxCrossEntropy' needs a floating-point tensor, got i32[3]; convert it with .toF32()",
                error(() -> infer("sparseSoftmaxCrossEntropy", Attrs.EMPTY, TensorType.of(DType.I32, 3), TensorType.scalar(DType.I32))));
    }
}
