package dlm.compiler.ops;

import dlm.compiler.autodiff.GradBuilder;
import dlm.compiler.autodiff.NotDifferentiableException;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.TensorType;
import dlm.runtime.Tensor;
import java.util.List;

/**
 * A primitive op: everything about it in one place — its type rule, its reference evaluation
 * and its vector-Jacobian product. Code generation joins them later.
 */
public interface Op {

    /** The registry name, e.g. {@code add}, {@code matmul}. */
    String name();

    /** What kind of computation it is, for fusion and planning; leaves and shape queries are opaque. */
    default OpKind kind() { return OpKind.OPAQUE; }

    /**
     * The static type rule: the output type for these input types and attributes
     * (symbolic dims allowed), or a {@link ShapeException} saying which rule failed.
     */
    TensorType infer(List<TensorType> inputs, Attrs attrs);

    /** How DLM source writes this op ({@link Spelling#NONE}: as {@code primitive("name", …)}). */
    default Spelling spelling() { return Spelling.NONE; }

    /**
     * The reference evaluation, on concrete tensors. This is the golden model: simple,
     * obviously correct loops, computing in double and rounding once to the output dtype.
     * Must not modify its inputs; throws {@link ShapeException} for shape errors only
     * visible at run time (a symbolic dim bound to mismatching sizes).
     */
    Tensor eval(List<Tensor> inputs, Attrs attrs);

    /**
     * The vector-Jacobian product: given {@code node} (an application of this op) and the
     * cotangent of its output ({@code cotangent}, same type as {@code node}), the cotangent
     * contribution for each input, in input order, built as ordinary graph nodes through
     * {@code b} (which adds them to the node's graph with the node's source span).
     *
     * <p>An entry is null when that input gets no gradient: it is an integer or bool value (the
     * condition of {@code where}, the labels of {@code oneHot}), {@code b} says it needs none
     * ({@link GradBuilder#needs}), or the derivative is identically zero (a symbolic zero, e.g.
     * {@code sign}). A non-null entry has exactly the input's type. Rules for ops that broadcast
     * sum the cotangent back to each input's shape ({@link GradBuilder#sumToShape}).
     *
     * <p>The default says the op has no derivative: leaves ({@code input}, {@code param},
     * {@code constant}), comparisons, logic, {@code argmax}/{@code argmin} and {@code oneHot},
     * whose results are integer or bool (so no gradient ever reaches them) or whose inputs are.
     */
    default List<Node> vjp(Node node, Node cotangent, GradBuilder b) {
        throw new NotDifferentiableException(name());
    }

    /**
     * Row dependence ({@link RowAxes}): the row axis of {@code node}'s value given its inputs'
     * row axes {@code inputRowAxes} (each an axis, {@link RowAxes#NONE} or {@link RowAxes#MIXED}).
     * The default covers element-wise and broadcasting ops; any other op is row-free from
     * row-free inputs and mixed otherwise, until it states its own rule.
     */
    default int rowAxis(Node node, int[] inputRowAxes) {
        return kind().isElementwise() ? RowAxes.broadcast(node, inputRowAxes) : RowAxes.opaque(inputRowAxes);
    }
}
