package dlm.runtime.kernels;

/**
 * A source of the left operand op(A) (m×k) for {@link Gemm}: it copies a block of op(A) into the
 * kernel's packed layout, so A may be stored in any layout or element type (e.g. u8 pixels scaled to
 * float on the fly) without materializing a float copy of the whole matrix.
 *
 * <p>Packed layout: rows {@code [i0, i0 + rows)} × columns {@code [p0, p0 + kc)} go into consecutive
 * panels of {@link Gemm#MR} rows; panel {@code q} starts at {@code dstOff + q·MR·kc} and holds element
 * (i0 + q·MR + r, p0 + p) at {@code p·MR + r}. Rows of the last panel past {@code rows} must be
 * written as zeros. Implementations are called concurrently from several threads (on disjoint
 * {@code dst} ranges) and must not keep state between calls.
 */
@FunctionalInterface
public interface PackA {
    void pack(int i0, int rows, int p0, int kc, float[] dst, int dstOff);

    /**
     * Whether whole k-steps of zeros (all rows of a panel zero at one k) are common enough in this
     * operand for the GEMM's zero-step skipping to pay for finding them: images' zero backgrounds
     * (u8 pixels) are; convolution patches of feature maps are not, and the dense kernel is faster
     * there (bench/README.md).
     */
    default boolean zeroStepsLikely() { return true; }

    /** op(A) from a row-major float array: A is m×k ({@code transA = false}) or k×m ({@code transA = true}). */
    static PackA of(boolean transA, float[] a, int aOff, int lda) {
        int rs = transA ? 1 : lda, cs = transA ? lda : 1;
        return (i0, rows, p0, kc, dst, dstOff) -> Packing.packStrided(a, aOff, rs, cs, i0, rows, p0, kc, dst, dstOff);
    }
}
