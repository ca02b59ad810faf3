package dlm.compiler.ops;

import dlm.compiler.autodiff.GradBuilder;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.runtime.Tensor;
import dlm.runtime.kernels.ParallelLoops;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code matmul(a, b)}, with NumPy {@code matmul} semantics (the chapter's tensor product):
 * <ul>
 *   <li>vector·vector → scalar, matrix·vector → vector, vector·matrix → vector, matrix·matrix → matrix;</li>
 *   <li>rank ≥ 3: a stack of matrices, the leading (batch) axes broadcast against each other,
 *       e.g. {@code (a,b,c,d)@(d,) → (a,b,c)}, {@code (a,b,c,d)@(d,e) → (a,b,c,e)},
 *       {@code (2,1,3,4)@(5,4,6) → (2,5,3,6)}.</li>
 * </ul>
 * A rank-1 left operand acts as a row {@code (1,k)} and a rank-1 right operand as a column
 * {@code (k,1)}; the added axis is dropped from the result. Both operands share one numeric
 * dtype. Floats accumulate in double and round once; integers are exact (wrapping) in long.
 *
 * <p>VJP: with vector operands promoted to matrices ({@code (1,k)}, {@code (k,1)}) and the
 * cotangent reshaped to match, {@code da = g @ bᵀ} and {@code db = aᵀ @ g} (ᵀ swapping the last two
 * axes), each summed back over the batch axes its operand was broadcast along, then reshaped to
 * the operand's own shape.
 */
final class MatmulOp implements Op {
    @Override
    public OpKind kind() { return OpKind.OUTPUT_FUSABLE; }

    @Override
    public String name() { return "matmul"; }

    @Override
    public Spelling spelling() { return Spelling.infix("@"); }

    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        MovementSupport.requireArity(name(), inputs, 2);
        TensorType a = inputs.get(0), b = inputs.get(1);
        if (a.rank() == 0 || b.rank() == 0)
            throw new ShapeException("matmul needs operands of rank 1 or more, got " + a + " and " + b);
        if (a.dtype() != b.dtype()) throw new ShapeException("dtype mismatch: " + a + " and " + b);
        if (a.dtype().isBool()) throw new ShapeException("matmul needs numeric operands, got " + a + " and " + b);

        Shape sa = a.shape(), sb = b.shape();
        Dim ka = sa.dim(sa.rank() - 1);
        Dim kb = sb.rank() == 1 ? sb.dim(0) : sb.dim(sb.rank() - 2);
        if (!ka.equals(kb))
            throw new ShapeException("cannot multiply " + a + " @ " + b + ": contracted axes are " + ka + " vs " + kb);

        List<Dim> out = broadcastBatch(a, b);
        if (sa.rank() >= 2) out.add(sa.dim(sa.rank() - 2));
        if (sb.rank() >= 2) out.add(sb.dim(sb.rank() - 1));
        return new TensorType(a.dtype(), new Shape(out));
    }

    /**
     * The broadcast of both operands' batch axes (all but the last two; none for rank ≤ 2),
     * aligned on the right as NumPy does. Symbolic dims match only when structurally equal,
     * or against a known 1. Axes are numbered in the broadcast result.
     */
    private static List<Dim> broadcastBatch(TensorType a, TensorType b) {
        List<Dim> ba = batchDims(a.shape()), bb = batchDims(b.shape());
        int n = Math.max(ba.size(), bb.size());
        List<Dim> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Dim da = dimFromRight(ba, n - i), db = dimFromRight(bb, n - i);
            if (da.equals(db) || db.isOne()) out.add(da);
            else if (da.isOne()) out.add(db);
            else throw new ShapeException("cannot multiply " + a + " @ " + b + ": batch axis " + i + " is " + da + " vs " + db);
        }
        return out;
    }

    private static List<Dim> batchDims(Shape s) {
        return s.rank() > 2 ? s.dims().subList(0, s.rank() - 2) : List.of();
    }

    /** The {@code k}-th dim from the right (1-based), or 1 where the list is shorter: NumPy's implicit leading 1s. */
    private static Dim dimFromRight(List<Dim> dims, int k) {
        return k <= dims.size() ? dims.get(dims.size() - k) : Dim.of(1);
    }

    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        int[] outShape = MovementSupport.outputSizes(this, inputs, attrs);
        Tensor a = inputs.get(0), b = inputs.get(1);
        int ra = a.rank(), rb = b.rank();
        // Every case is a stack of (n,k)@(k,m) products; a vector operand is the n = 1 or m = 1 case.
        int k = a.dim(ra - 1);
        int n = ra >= 2 ? a.dim(ra - 2) : 1;
        int m = rb >= 2 ? b.dim(rb - 1) : 1;
        int[] aBatch = ra > 2 ? Arrays.copyOf(a.shape(), ra - 2) : new int[0];
        int[] bBatch = rb > 2 ? Arrays.copyOf(b.shape(), rb - 2) : new int[0];
        int[] batch = Arrays.copyOf(outShape, Math.max(aBatch.length, bBatch.length));

        Tensor out = Tensor.zeros(a.dtype(), outShape);
        boolean exact = a.dtype().isInteger();
        if (!exact) {
            floatProducts(a, b, out, batch, aBatch, bBatch, n, k, m);
            return out;
        }
        int[] batchIndex = new int[batch.length];
        int batchCount = Tensor.sizeOf(batch);
        for (int s = 0; s < batchCount; s++) {
            int aBase = broadcastOffset(batchIndex, aBatch) * n * k;
            int bBase = broadcastOffset(batchIndex, bBatch) * k * m;
            int outBase = s * n * m;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < m; j++) {
                    // a[i,p] is at i*k+p; b[p,j] at p*m+j (a rank-1 b has m = 1, so that is just p).
                    if (exact) {
                        long acc = 0;
                        for (int p = 0; p < k; p++) acc += a.getLong(aBase + i * k + p) * b.getLong(bBase + p * m + j);
                        out.setLong(outBase + i * m + j, acc);
                    } else {
                        double acc = 0;
                        for (int p = 0; p < k; p++) acc += a.getDouble(aBase + i * k + p) * b.getDouble(bBase + p * m + j);
                        out.setDouble(outBase + i * m + j, acc);
                    }
                }
            }
            MovementSupport.step(batchIndex, batch);
        }
        return out;
    }

    /**
     * The floating-point case, read once into doubles. Each output element is still the sum over
     * p = 0, 1, … of a[i,p]·b[p,j] accumulated in double in that order — exactly the naive loop's
     * result — but the loops run i, p, j so that b is read along its rows: a golden model that
     * is fast enough to train the chapter's MNIST model.
     */
    private static void floatProducts(Tensor a, Tensor b, Tensor out, int[] batch, int[] aBatch, int[] bBatch, int n, int k, int m) {
        double[] ad = a.toDoubles(), bd = b.toDoubles();
        // A zero a[i,p] adds ±0 to every acc[j] and can be skipped without changing any sum —
        // unless b holds an infinity or NaN (0·inf is NaN), so skip only when b is all finite.
        boolean skipZeros = true;
        for (double v : bd) if (!Double.isFinite(v)) { skipZeros = false; break; }
        final boolean skip = skipZeros;
        int[] batchIndex = new int[batch.length];
        int batchCount = Tensor.sizeOf(batch);
        for (int s = 0; s < batchCount; s++) {
            int aBase = broadcastOffset(batchIndex, aBatch) * n * k;
            int bBase = broadcastOffset(batchIndex, bBatch) * k * m;
            int outBase = s * n * m;
            // Rows are independent, so they may run in parallel (on the kernel pool's threads, as
            // many as dlmc --threads allows) without changing any result.
            ParallelLoops.Range rows = (from, to) -> {
                double[] acc = new double[m];
                for (int i = from; i < to; i++) {
                    Arrays.fill(acc, 0);
                    int aRow = aBase + i * k;
                    for (int p = 0; p < k; p++) {
                        double av = ad[aRow + p];
                        if (skip && av == 0) continue;
                        int bRow = bBase + p * m;
                        for (int j = 0; j < m; j++) acc[j] += av * bd[bRow + j];
                    }
                    for (int j = 0; j < m; j++) out.setDouble(outBase + i * m + j, acc[j]);
                }
            };
            if ((long) n * k * m > 1 << 16) ParallelLoops.split(n, rows);
            else rows.run(0, n);
            MovementSupport.step(batchIndex, batch);
        }
    }

    /**
     * The row-major position, among an operand's own batch of matrices, of the matrix used at
     * broadcast batch index {@code index}: the operand's axes align on the right, and an axis
     * of size 1 is reused (index 0) for every position of the broadcast axis.
     */
    private static int broadcastOffset(int[] index, int[] operandBatch) {
        int shift = index.length - operandBatch.length;
        int offset = 0;
        for (int t = 0; t < operandBatch.length; t++) {
            int i = operandBatch[t] == 1 ? 0 : index[t + shift];
            offset = offset * operandBatch[t] + i;
        }
        return offset;
    }

    @Override
    public List<Node> vjp(Node node, Node g, GradBuilder d) {
        Node a = node.input(0), b = node.input(1);
        Shape sa = a.type().shape(), sb = b.type().shape();
        Shape a2 = sa.rank() == 1 ? Shape.of(Dim.of(1), sa.dim(0)) : sa;
        Shape b2 = sb.rank() == 1 ? Shape.of(sb.dim(0), Dim.of(1)) : sb;
        // The result as a stack of matrices: the axes a vector operand dropped put back.
        List<Dim> outDims = new ArrayList<>(node.type().shape().dims());
        if (sb.rank() == 1) outDims.add(Dim.of(1));
        if (sa.rank() == 1) outDims.add(outDims.size() - 1, Dim.of(1));
        Node g2 = d.reshape(g, new Shape(outDims));
        return d.perInput(
                () -> d.reshape(d.sumToShape(d.matmul(g2, d.transposeLastTwo(d.reshape(b, b2))), a2), sa),
                () -> d.reshape(d.sumToShape(d.matmul(d.transposeLastTwo(d.reshape(a, a2)), g2), b2), sb));
    }

    /**
     * Rows pass through a product on an axis that is not contracted: the left operand's matrix
     * rows or a stacked (batch) axis, with the other operand row-free or carrying its rows on
     * the same stacked axis; the right operand's columns with a row-free left operand.
     */
    @Override
    public int rowAxis(Node node, int[] in) {
        if (in[0] == RowAxes.MIXED || in[1] == RowAxes.MIXED) return RowAxes.MIXED;
        if (in[0] == RowAxes.NONE && in[1] == RowAxes.NONE) return RowAxes.NONE;
        Shape sa = node.input(0).type().shape(), sb = node.input(1).type().shape(), out = node.type().shape();
        int ra = sa.rank(), rb = sb.rank();
        int nb = out.rank() - (ra >= 2 ? 1 : 0) - (rb >= 2 ? 1 : 0);
        int fromA = RowAxes.NONE, fromB = RowAxes.NONE;
        if (in[0] >= 0) {
            if (ra < 2 || in[0] == ra - 1) return RowAxes.MIXED;
            fromA = in[0] == ra - 2 ? nb : in[0] + nb - (ra - 2);
            if (!sa.dim(in[0]).equals(out.dim(fromA))) return RowAxes.MIXED;
        }
        if (in[1] >= 0) {
            if (rb < 2 || in[1] == rb - 2) return RowAxes.MIXED;
            fromB = in[1] == rb - 1 ? out.rank() - 1 : in[1] + nb - (rb - 2);
            if (!sb.dim(in[1]).equals(out.dim(fromB))) return RowAxes.MIXED;
        }
        if (fromA != RowAxes.NONE && fromB != RowAxes.NONE)
            return fromA == fromB && fromA < nb ? fromA : RowAxes.MIXED;
        return fromA != RowAxes.NONE ? fromA : fromB;
    }
}
