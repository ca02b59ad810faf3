package dlm.spark;

import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.io.Serializable;

/** A tensor as shipped between the driver and executors (Java-serializable): dtype, shape and storage array. */
record Blob(String dtype, int[] shape, Object storage) implements Serializable {
    /** A copy of {@code t}. */
    static Blob of(Tensor t) { return new Blob(t.dtype().name(), t.shape(), t.copy().storage()); }

    /** {@code t}'s own arrays, not copied (for data shipped once and only read). */
    static Blob sharing(Tensor t) { return new Blob(t.dtype().name(), t.shape(), t.storage()); }

    Tensor tensor() { return Tensor.wrap(DType.valueOf(dtype), shape, storage); }
}
