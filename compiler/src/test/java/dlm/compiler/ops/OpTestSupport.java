package dlm.compiler.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Shorthands for the op tests: build tensors, run ops through the registry, compare exactly. */
final class OpTestSupport {
    private OpTestSupport() {}

    static int[] shape(int... dims) { return dims; }

    static Tensor t(DType dtype, int[] shape, double... values) { return Tensor.of(dtype, shape, values); }

    static Tensor f32(int[] shape, double... values) { return t(DType.F32, shape, values); }

    static Tensor i32(int[] shape, double... values) { return t(DType.I32, shape, values); }

    static Tensor i64(long... values) { return Tensor.wrap(DType.I64, new int[] {values.length}, values.clone()); }

    static Tensor bool(int[] shape, double... values) { return t(DType.BOOL, shape, values); }

    /** 0, 1, 2, … in the given shape (plus an offset, so two operands differ). */
    static Tensor iota(DType dtype, int[] shape, double start) {
        double[] v = new double[Tensor.sizeOf(shape)];
        for (int i = 0; i < v.length; i++) v[i] = start + i;
        return t(dtype, shape, v);
    }

    /** Evaluates an op and checks that it left its inputs untouched. */
    static Tensor eval(String op, Attrs attrs, Tensor... inputs) {
        List<Tensor> before = new ArrayList<>();
        for (Tensor in : inputs) before.add(in.copy());
        Tensor out = OpRegistry.get(op).eval(List.of(inputs), attrs);
        for (int i = 0; i < inputs.length; i++) assertEquals(before.get(i), inputs[i], op + " modified input " + i);
        return out;
    }

    static Tensor eval(String op, Tensor... inputs) { return eval(op, Attrs.EMPTY, inputs); }

    static TensorType infer(String op, Attrs attrs, TensorType... inputs) {
        return OpRegistry.get(op).infer(List.of(inputs), attrs);
    }

    static TensorType infer(String op, TensorType... inputs) { return infer(op, Attrs.EMPTY, inputs); }

    /** The message of the ShapeException that the action throws. */
    static String error(Runnable action) { return assertThrows(ShapeException.class, action::run).getMessage(); }

    /** Same dtype, same shape, exactly these values (NaN matches NaN). */
    static void assertTensor(Tensor actual, DType dtype, int[] shape, double... values) {
        assertEquals(dtype, actual.dtype(), "dtype");
        assertArrayEquals(shape, actual.shape(), "shape " + Arrays.toString(actual.shape()));
        assertArrayEquals(values, actual.toDoubles(), "values");
    }

    static void assertClose(Tensor actual, double tolerance, double... values) {
        assertArrayEquals(values, actual.toDoubles(), tolerance);
    }
}
