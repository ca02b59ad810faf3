package dlm.runtime.io;

import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.Arrays;

/**
 * The dtype and shape a model expects of a parameter, compared with what a checkpoint holds.
 * Prints in DLM's type syntax: {@code f32[784, 512]}, and {@code f32} for a scalar.
 */
public record TensorSpec(DType dtype, int[] shape) {

    public TensorSpec {
        if (dtype == null) throw new IllegalArgumentException("dtype is null");
        shape = shape.clone();
    }

    public static TensorSpec of(DType dtype, int... shape) { return new TensorSpec(dtype, shape); }

    /** The spec a tensor satisfies. */
    public static TensorSpec of(Tensor t) { return new TensorSpec(t.dtype(), t.shape()); }

    /** A copy of the shape. */
    @Override
    public int[] shape() { return shape.clone(); }

    /** Whether the tensor has exactly this dtype and shape. */
    public boolean matches(Tensor t) {
        return t.dtype() == dtype && Arrays.equals(t.shape(), shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec s && s.dtype == dtype && Arrays.equals(s.shape, shape);
    }

    @Override
    public int hashCode() { return 31 * dtype.hashCode() + Arrays.hashCode(shape); }

    @Override
    public String toString() {
        if (shape.length == 0) return dtype.dlmName();
        StringBuilder b = new StringBuilder(dtype.dlmName()).append('[');
        for (int i = 0; i < shape.length; i++) b.append(i > 0 ? ", " : "").append(shape[i]);
        return b.append(']').toString();
    }
}
