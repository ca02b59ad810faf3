package dlm.compiler.check;

import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceSpan;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Gathering by an integer tensor on the surface — {@code take(x, indices, axis)} and
 * {@code x[indices]} — lowered to the {@code takeAlongAxis} op: the indices are made i32 (u8
 * exactly; i64 clamped to the i32 range first, so an index out of range stays out of range),
 * flattened along the gathered axis, and the result reshaped to NumPy's
 * {@code x.shape[:axis] + indices.shape + x.shape[axis+1:]}. Constant indices are checked here;
 * others when the graph runs (a located error in the interpreter and in compiled code).
 */
final class Gathering {
    private Gathering() {}

    /** NumPy's {@code take(x, indices, axis)}; {@code axis} normalized and in range. */
    static Node take(Elaborator el, Node x, Node indices, int axis, SourceSpan span, SourceSpan indicesSpan) {
        Node idx = indicesI32(el, indices, span, indicesSpan);
        Shape xs = x.type().shape(), is = idx.type().shape();
        Dim n = xs.dim(axis);
        checkConstant(indices, n, axis, indicesSpan);
        int r = xs.rank();
        List<Dim> flat = new ArrayList<>(), result = new ArrayList<>();
        for (int a = 0; a < r; a++) flat.add(a == axis ? is.numel() : Dim.of(1));
        for (int a = 0; a < axis; a++) result.add(xs.dim(a));
        result.addAll(is.dims());
        for (int a = axis + 1; a < r; a++) result.add(xs.dim(a));
        Node column = el.op("reshape", List.of(idx), Attrs.of("shape", new Shape(flat)), span);
        Node gathered = el.op("takeAlongAxis", List.of(x, column), Attrs.of("axis", axis), span);
        return el.op("reshape", List.of(gathered), Attrs.of("shape", new Shape(result)), span);
    }

    /** Integer indices as i32, or a located error for any other dtype. */
    static Node indicesI32(Elaborator el, Node idx, SourceSpan span, SourceSpan at) {
        DType d = idx.type().dtype();
        if (d == DType.BOOL)
            throw new DlmException(at, "indices must be integers, got the bool tensor " + idx.type() + " (to select by a mask, use where(mask, x, 0))");
        if (!d.isInteger()) throw new DlmException(at, "indices must be integers, got " + idx.type() + " (convert them with .toI32())");
        if (d == DType.I32) return idx;
        if (d == DType.I64) {
            Node lo = el.constant(Tensor.scalar(DType.I64, Integer.MIN_VALUE), at), hi = el.constant(Tensor.scalar(DType.I64, Integer.MAX_VALUE), at);
            idx = el.op("minimum", List.of(el.op("maximum", List.of(idx, lo), Attrs.EMPTY, at), hi), Attrs.EMPTY, at);
        }
        return el.op("cast", List.of(idx), Attrs.of("dtype", DType.I32), at);
    }

    /** Indices known at compile time must lie in {@code -n..n-1} (n the axis size, when known). */
    static void checkConstant(Node idx, Dim n, int axis, SourceSpan at) {
        while (idx.is("cast") && idx.input(0).is("constant")) idx = idx.input(0);
        if (!idx.is("constant") || !n.isKnown()) return;
        Tensor t = idx.attrs().getTensor("value");
        for (int i = 0; i < t.size(); i++) {
            long v = t.getLong(i);
            if (v < -n.size() || v >= n.size())
                throw new DlmException(at, "index " + v + " is out of range for axis " + axis + " of size " + n.size());
        }
    }
}
