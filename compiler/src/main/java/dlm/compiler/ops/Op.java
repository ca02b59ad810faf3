package dlm.compiler.ops;

import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.TensorType;
import dlm.runtime.Tensor;
import java.util.List;

/**
 * A primitive op: everything about it in one place. Later issues add the vector-Jacobian
 * product (autodiff) and code generation to the same entries.
 */
public interface Op {

    /** The registry name, e.g. {@code add}, {@code matmul}. */
    String name();

    /**
     * The static type rule: the output type for these input types and attributes
     * (symbolic dims allowed), or a {@link ShapeException} saying which rule failed.
     */
    TensorType infer(List<TensorType> inputs, Attrs attrs);

    /**
     * The reference evaluation, on concrete tensors. This is the golden model: simple,
     * obviously correct loops, computing in double and rounding once to the output dtype.
     * Must not modify its inputs; throws {@link ShapeException} for shape errors only
     * visible at run time (a symbolic dim bound to mismatching sizes).
     */
    Tensor eval(List<Tensor> inputs, Attrs attrs);
}
