package dlm.compiler.check;

import dlm.compiler.ast.Ast;
import dlm.compiler.check.Value.*;
import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceSpan;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code x[4]}, {@code x[10:100]}, {@code x[:, 7:-7, 7:-7]}, {@code x[::2]}, {@code x[::-1]}: NumPy
 * basic indexing with static bounds. Negative positions count from the end. A negative step walks
 * down from {@code start} (default: the last element) to just above {@code stop} (default: through
 * the first element), as in Python. Unlike NumPy, a bound outside {@code -size..size} is an error
 * rather than silently clamped: it is almost always a bug in a model (a bound of {@code size}
 * with a negative step is Python's clamp to the last element).
 * Lowered to one {@code slice} op followed by a {@code squeeze} of the integer-indexed axes.
 */
final class Indexing {
    private Indexing() {}

    static Value index(Elaborator el, Value target, List<Ast.IndexItem> items, Scope scope, Elaborator.Frame frame, SourceSpan span) {
        if (target instanceof ShapeV s) return shapeIndex(s.shape(), items, scope, frame, el, span);
        if (target instanceof ListV l) {
            if (items.size() != 1 || !(items.get(0) instanceof Ast.IndexAt at)) throw new DlmException(span, "a list takes one integer index");
            long i = Elaborator.intValue(el.eval(at.index(), scope, frame), at.span(), "a list index");
            int n = l.items().size();
            if (i < -n || i >= n) throw new DlmException(at.span(), "index " + i + " is out of range for a list of " + n + " items");
            return l.items().get((int) (i < 0 ? i + n : i));
        }
        if (!(target instanceof TensorV t)) throw new DlmException(span, "cannot index " + target.describe());
        Node x = t.node();
        Shape shape = x.type().shape();
        if (items.size() > shape.rank())
            throw new DlmException(items.get(shape.rank()).span(), "too many indices for " + x.type() + ": " + items.size() + " indices for " + shape.rank() + " axes");
        // Each x[i] index evaluated once; a tensor (or a list of them) is an integer-array index.
        Value[] at = new Value[items.size()];
        int tensorItem = -1;
        for (int a = 0; a < items.size(); a++) {
            if (!(items.get(a) instanceof Ast.IndexAt ia)) continue;
            at[a] = el.eval(ia.index(), scope, frame);
            if (at[a] instanceof TensorV || at[a] instanceof ListV) {
                if (tensorItem >= 0)
                    throw new DlmException(ia.span(), "only one index may be a tensor; index in two steps, e.g. x[i][:, j]");
                tensorItem = a;
            }
        }
        if (tensorItem >= 0) requireAdjacent(items, tensorItem);
        List<Integer> axes = new ArrayList<>(), starts = new ArrayList<>(), stops = new ArrayList<>(), steps = new ArrayList<>();
        List<Integer> dropped = new ArrayList<>();
        for (int a = 0; a < items.size(); a++) {
            Ast.IndexItem it = items.get(a);
            Dim d = shape.dim(a);
            if (a == tensorItem) continue;
            if (it instanceof Ast.IndexSlice s && s.start() == null && s.stop() == null && s.step() == null) continue;
            if (!d.isKnown())
                throw new DlmException(it.span(), "cannot index the symbolic axis " + a + " (" + d + ") of " + x.type() + " with static bounds; only ':' is allowed there");
            int size = d.size();
            switch (it) {
                case Ast.IndexAt ia -> {
                    long i = Elaborator.intValue(at[a], ia.span(), "an index");
                    if (i < -size || i >= size)
                        throw new DlmException(ia.span(), "index " + i + " is out of range for axis " + a + " of " + x.type() + " (size " + size + ")");
                    int p = (int) (i < 0 ? i + size : i);
                    axes.add(a); starts.add(p); stops.add(p + 1); steps.add(1);
                    dropped.add(a);
                }
                case Ast.IndexSlice s -> {
                    long step = s.step() == null ? 1 : Elaborator.intValue(el.eval(s.step(), scope, frame), s.step().span(), "a slice step");
                    if (step == 0) throw new DlmException(s.step().span(), "a slice step must not be 0");
                    if (step < -Integer.MAX_VALUE || step > Integer.MAX_VALUE)
                        throw new DlmException(s.step().span(), "slice step " + step + " is too large");
                    if (step > 0) {
                        int lo = bound(el, s.start(), 0, size, a, x, scope, frame);
                        int hi = bound(el, s.stop(), size, size, a, x, scope, frame);
                        axes.add(a); starts.add(lo); stops.add(Math.max(lo, hi)); steps.add((int) step);
                    } else {
                        // Python's defaults for a negative step: from the last element through the
                        // first (stop -1 = "before index 0"); a bound equal to the size means the last.
                        int hi = s.start() == null ? size - 1 : Math.min(bound(el, s.start(), 0, size, a, x, scope, frame), size - 1);
                        int lo = s.stop() == null ? -1 : Math.min(bound(el, s.stop(), 0, size, a, x, scope, frame), size - 1);
                        axes.add(a); starts.add(hi); stops.add(Math.min(lo, hi)); steps.add((int) step);
                    }
                }
            }
        }
        Node out = x;
        if (!axes.isEmpty())
            out = el.op("slice", List.of(x), Attrs.of("axes", ints(axes), "starts", ints(starts), "stops", ints(stops), "steps", ints(steps)), span);
        if (!dropped.isEmpty()) out = el.op("squeeze", List.of(out), Attrs.of("axes", ints(dropped)), span);
        if (tensorItem >= 0) {
            // The gathered axis, once the integer-indexed axes before it are squeezed away.
            int axis = tensorItem;
            for (int a : dropped) if (a < tensorItem) axis--;
            SourceSpan is = items.get(tensorItem).span();
            out = Gathering.take(el, out, el.tensor(at[tensorItem], is), axis, span, is);
        }
        return new TensorV(out);
    }

    /**
     * NumPy treats integer indices next to an array index as part of one advanced index and puts
     * the gathered axes where they are; when a slice separates them it moves the gathered axes to
     * the front instead. Only the first layout is supported (it is what squeeze-then-take gives).
     */
    private static void requireAdjacent(List<Ast.IndexItem> items, int tensorItem) {
        int lo = tensorItem, hi = tensorItem;
        while (lo > 0 && items.get(lo - 1) instanceof Ast.IndexAt) lo--;
        while (hi + 1 < items.size() && items.get(hi + 1) instanceof Ast.IndexAt) hi++;
        for (int a = 0; a < items.size(); a++)
            if ((a < lo || a > hi) && items.get(a) instanceof Ast.IndexAt)
                throw new DlmException(items.get(a).span(), "an integer index separated from a tensor index by a slice is not supported "
                        + "(NumPy would move the gathered axes first); index in two steps");
    }

    private static int bound(Elaborator el, Ast.Expr e, int dflt, int size, int axis, Node x, Scope scope, Elaborator.Frame frame) {
        if (e == null) return dflt;
        long v = Elaborator.intValue(el.eval(e, scope, frame), e.span(), "a slice bound");
        long p = v < 0 ? v + size : v;
        if (p < 0 || p > size)
            throw new DlmException(e.span(), "slice bound " + v + " is out of range for axis " + axis + " of " + x.type() + " (size " + size + ")");
        return (int) p;
    }

    private static Value shapeIndex(Shape s, List<Ast.IndexItem> items, Scope scope, Elaborator.Frame frame, Elaborator el, SourceSpan span) {
        if (items.size() != 1 || !(items.get(0) instanceof Ast.IndexAt at)) throw new DlmException(span, "a shape takes one integer index");
        long i = Elaborator.intValue(el.eval(at.index(), scope, frame), at.span(), "an index");
        int n = s.rank();
        if (i < -n || i >= n) throw new DlmException(at.span(), "index " + i + " is out of range for the shape " + s.tuple());
        Dim d = s.dim((int) (i < 0 ? i + n : i));
        return d.isKnown() ? new NumberV(d.coefficient(), true, null) : new DimV(d);
    }

    static int[] ints(List<Integer> l) {
        return l.stream().mapToInt(Integer::intValue).toArray();
    }
}
