package dlm.compiler.ops;

import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.runtime.Tensor;
import java.util.List;

/**
 * What the movement ops (and matmul) share: arity checks, the static type of a concrete
 * tensor, row-major index stepping and a bit-exact element copy.
 *
 * <p>Movement ops only rearrange elements, so they copy storage elements as they are rather
 * than through {@code getDouble}: a double cannot hold every i64, and a round trip would
 * change NaN payloads of floats.
 */
final class MovementSupport {
    private MovementSupport() {}

    /** Maps an output multi-index to the input multi-index its element comes from. */
    @FunctionalInterface
    interface SourceIndex {
        void map(int[] outIndex, int[] inIndex);
    }

    /** Throws unless there are exactly {@code n} operands; a wrong count is a caller bug. */
    static void requireArity(String op, List<?> inputs, int n) {
        if (inputs.size() != n)
            throw new ShapeException(op + " takes " + n + " operand" + (n == 1 ? "" : "s") + ", got " + inputs.size());
    }

    /** The static type of a concrete tensor, so eval can re-check the type rule on run-time shapes. */
    static TensorType typeOf(Tensor t) { return TensorType.of(t.dtype(), t.shape()); }

    /** Evaluates the type rule on concrete inputs: validates run-time shapes, yields the output sizes. */
    static int[] outputSizes(Op op, List<Tensor> inputs, Attrs attrs) {
        return op.infer(inputs.stream().map(MovementSupport::typeOf).toList(), attrs).shape().sizes();
    }

    /** Advances a row-major multi-index by one element (the last axis fastest). */
    static void step(int[] index, int[] shape) {
        for (int a = shape.length - 1; a >= 0; a--) {
            if (++index[a] < shape[a]) return;
            index[a] = 0;
        }
    }

    /**
     * A new tensor of {@code outShape} whose every element is copied from the input element
     * that {@code source} names: transpose, tile, broadcastTo and slice are all this loop.
     */
    static Tensor gather(Tensor in, int[] outShape, SourceIndex source) {
        Tensor out = Tensor.zeros(in.dtype(), outShape);
        int[] outIndex = new int[outShape.length];
        int[] inIndex = new int[in.rank()];
        for (int j = 0; j < out.size(); j++) {
            source.map(outIndex, inIndex);
            copyElement(in, in.flatIndex(inIndex), out, j);
            step(outIndex, outShape);
        }
        return out;
    }

    /** The input's elements, in the same row-major order, under a new shape of equal size (a fresh copy). */
    static Tensor relabel(Tensor in, int[] outShape) { return in.copy().reshape(outShape); }

    /** Copies one element bit for bit; both tensors must have the same dtype. */
    static void copyElement(Tensor src, int from, Tensor dst, int to) {
        switch (src.dtype()) {
            case BOOL, U8 -> ((byte[]) dst.storage())[to] = ((byte[]) src.storage())[from];
            case I32 -> ((int[]) dst.storage())[to] = ((int[]) src.storage())[from];
            case I64 -> ((long[]) dst.storage())[to] = ((long[]) src.storage())[from];
            case F16 -> ((short[]) dst.storage())[to] = ((short[]) src.storage())[from];
            case F32 -> ((float[]) dst.storage())[to] = ((float[]) src.storage())[from];
            case F64 -> ((double[]) dst.storage())[to] = ((double[]) src.storage())[from];
        }
    }

    /** Whether {@code axis} names an axis of a rank-{@code rank} value. */
    static boolean inRange(int axis, int rank) { return axis >= 0 && axis < rank; }

    /** {@code [4, -1]}: a target shape with NumPy's {@code -1} at the inferred axis. */
    static String withPlaceholder(Shape target, int inferAxis) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < target.rank(); i++) {
            if (i > 0) sb.append(", ");
            sb.append(i == inferAxis ? "-1" : target.dim(i).toString());
        }
        return sb.append(']').toString();
    }
}
