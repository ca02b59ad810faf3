package dlm.compiler.ops;

/**
 * What kind of computation an op is, as far as fusion and planning care (TVM's pattern kinds).
 * Planning decides by kind where the decision is about the kind ("is it a reduction", "is it
 * element-wise"), and by name only where it is about one op's own semantics.
 */
public enum OpKind {
    /** Output element i depends on input element i only, all shapes equal: {@code neg}, {@code exp}, {@code cast}. */
    ELEMENTWISE,
    /** Element-wise after broadcasting its inputs to the output's shape: {@code add}, {@code where}. */
    BROADCAST,
    /**
     * Each output element is one input element (or a value computed from one), selected by an
     * index function of the output position: the movement ops ({@code reshape}, {@code slice},
     * {@code pad}, {@code concat}, ...) and {@code oneHot}.
     */
    INJECTIVE,
    /** Combines the elements along some axes into one: {@code sum}, {@code max}, {@code argmax}. */
    REDUCTION,
    /** A kernel whose result an element-wise epilogue may be fused into: {@code matmul}. */
    OUTPUT_FUSABLE,
    /** Anything else: leaves, shape queries and whole-row kernels such as {@code softmax}. */
    OPAQUE;

    /** Element-wise with or without broadcasting. */
    public boolean isElementwise() { return this == ELEMENTWISE || this == BROADCAST; }
}
