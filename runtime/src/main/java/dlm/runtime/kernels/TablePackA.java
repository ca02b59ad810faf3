package dlm.runtime.kernels;

/**
 * op(A) given as u8 codes and a 256-entry table: {@code A(i, p) = table[a[off + i·rs + p·cs] & 0xFF]}.
 * This is how a model's first layer reads its u8 images: {@code x = images.toF32() / 255f} is an
 * element-wise function of one byte, so the compiler tabulates it (exactly, with the reference
 * semantics) and the product converts the pixels while packing them, instead of a loop writing a
 * float copy of the batch that the product then reads and packs again.
 *
 * <p>One instance per calling thread is reused ({@link #local()}): {@link #set} before the product,
 * then the pool's threads call {@link #pack} concurrently (reads only). Nothing is allocated per call.
 */
public final class TablePackA implements PackA {
    private static final ThreadLocal<TablePackA> LOCAL = ThreadLocal.withInitial(TablePackA::new);

    private byte[] a;
    private int off, rs, cs;
    private float[] table;

    /** This thread's reusable instance. */
    public static TablePackA local() { return LOCAL.get(); }

    /** op(A) is {@code m×k}: stored m×k row-major with leading dimension {@code lda}, or k×m when {@code transA}. */
    public TablePackA set(boolean transA, byte[] a, int aOff, int lda, float[] table) {
        if (table.length < 256) throw new IllegalArgumentException("the table needs 256 entries, has " + table.length);
        this.a = a;
        this.off = aOff;
        this.rs = transA ? 1 : lda;
        this.cs = transA ? lda : 1;
        this.table = table;
        return this;
    }

    /** Drops the references to the caller's arrays. */
    public void clear() {
        a = null;
        table = null;
    }

    @Override
    public void pack(int i0, int rows, int p0, int kc, float[] dst, int dstOff) {
        final byte[] a = this.a;
        final float[] t = this.table;
        final int rs = this.rs, cs = this.cs, mr = Gemm.MR;
        for (int ip = 0; ip < rows; ip += mr) {
            int n = Math.min(mr, rows - ip);
            int d = dstOff + ip * kc;
            int src = off + (i0 + ip) * rs + p0 * cs;
            if (n == mr && rs == 1) {
                // Aᵀ stored: the panel's 8 rows are 8 consecutive bytes
                for (int p = 0; p < kc; p++, d += mr, src += cs) {
                    for (int r = 0; r < mr; r++) dst[d + r] = t[a[src + r] & 0xFF];
                }
            } else if (n == mr && cs == 1) {
                for (int r = 0; r < mr; r++) {
                    int s = src + r * rs, dr = d + r;
                    for (int p = 0; p < kc; p++) dst[dr + p * mr] = t[a[s + p] & 0xFF];
                }
            } else {
                for (int p = 0; p < kc; p++, d += mr) {
                    int sp = src + p * cs;
                    for (int r = 0; r < mr; r++) dst[d + r] = r < n ? t[a[sp + r * rs] & 0xFF] : 0f;
                }
            }
        }
    }
}
