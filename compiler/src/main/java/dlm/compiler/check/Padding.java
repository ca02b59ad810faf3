package dlm.compiler.check;

import dlm.compiler.check.Builtins.Call;
import dlm.compiler.check.Value.*;
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
 * {@code pad(x, widths, mode = "constant", value = 0)}: NumPy's {@code pad}. {@code widths} is
 * {@code [[before, after], …]} one pair per axis, one pair {@code [before, after]} for every axis,
 * or one Int for both sides of every axis. Modes:
 * <ul>
 * <li>{@code "constant"}: {@code value} around x — the {@code pad} op (zeros), then
 *     {@code where} over a padded mask when the value is not 0;</li>
 * <li>{@code "edge"}: the first/last element repeated;</li>
 * <li>{@code "reflect"}: mirrored without the edge element ({@code [3, 2 | 1, 2, 3 | 2, 1]}),
 *     at most {@code n - 1} on a side;</li>
 * <li>{@code "symmetric"}: mirrored with it ({@code [2, 1 | 1, 2, 3 | 3, 2]}), at most {@code n}.</li>
 * </ul>
 * The other modes are slices (negative steps for the mirrors) joined by {@code concat}, axis by
 * axis in order (so corners come from the axes padded before, as in NumPy). Gradients follow
 * from those ops: a mirrored or repeated element gets the sum of its copies' cotangents.
 */
final class Padding {
    private Padding() {}

    static Value pad(Call c) {
        Node x = c.tensor("x");
        int r = x.type().rank();
        int[][] w = widths(c, r);
        if (!(c.arg("mode") instanceof StringV modeV)) throw new DlmException(c.spanOf("mode"), "mode must be a string such as \"constant\"");
        String mode = modeV.value();
        for (int a = 0; a < r; a++) {
            if (w[a][0] == 0 && w[a][1] == 0) continue;
            Dim d = x.type().shape().dim(a);
            if (!d.isKnown())
                throw new DlmException(c.spanOf("widths"), "cannot pad axis " + a + " of " + x.type() + ": its size " + d + " is not known at compile time");
        }
        switch (mode) {
            case "constant" -> { return new TensorV(constant(c, x, w)); }
            case "edge", "reflect", "symmetric" -> {
                if (c.given("value"))
                    throw new DlmException(c.spanOf("value"), "value is only used with mode = \"constant\"");
                Node out = x;
                for (int a = 0; a < r; a++) out = mirror(c, out, a, w[a][0], w[a][1], mode);
                return new TensorV(out);
            }
            default -> throw new DlmException(c.spanOf("mode"), "unknown pad mode \"" + mode + "\"; use \"constant\", \"edge\", \"reflect\" or \"symmetric\"");
        }
    }

    /** Per axis, [before, after], all ≥ 0. */
    private static int[][] widths(Call c, int rank) {
        SourceSpan at = c.spanOf("widths");
        Value v = c.arg("widths");
        long[] flat;
        int[] shape;
        if (v instanceof NumberV n && n.isInt()) {
            flat = new long[] {n.asLong()};
            shape = new int[0];
        } else if (v instanceof TensorV t && t.node().is("constant") && t.node().type().dtype().isInteger()) {
            Tensor k = t.node().attrs().getTensor("value");
            flat = new long[k.size()];
            for (int i = 0; i < flat.length; i++) flat[i] = k.getLong(i);
            shape = k.shape();
        } else throw new DlmException(at, "pad widths must be Ints known at compile time, such as [[1, 1], [2, 2]], got " + v.describe());
        int[][] w = new int[rank][2];
        boolean perAxis = shape.length == 2 && shape[0] == rank && shape[1] == 2;
        boolean pair = shape.length == 1 && shape[0] == 2, single = shape.length == 0;
        if (!perAxis && !pair && !single)
            throw new DlmException(at, "pad widths must be one [before, after] pair per axis (" + rank + " pairs), one pair for every axis, or one Int; got shape "
                    + Shape.of(shape).tuple());
        for (int a = 0; a < rank; a++)
            for (int s = 0; s < 2; s++) {
                long n = perAxis ? flat[2 * a + s] : pair ? flat[s] : flat[0];
                if (n < 0) throw new DlmException(at, "pad widths must be 0 or more, got " + n);
                if (n > Dim.MAX_ELEMENTS) throw new DlmException(at, "pad width " + n + " is more than a tensor axis can hold");
                w[a][s] = (int) n;
            }
        return w;
    }

    private static Node constant(Call c, Node x, int[][] w) {
        List<Integer> axes = new ArrayList<>(), lows = new ArrayList<>(), highs = new ArrayList<>();
        for (int a = 0; a < w.length; a++) {
            if (w[a][0] == 0 && w[a][1] == 0) continue;
            axes.add(a); lows.add(w[a][0]); highs.add(w[a][1]);
        }
        // Without a value the pad op's own fill (0, false for bool) is NumPy's default.
        Node fill = c.given("value") ? c.el().tensorLike(c.arg("value"), x.type().dtype(), c.spanOf("value")) : null;
        if (fill != null && fill.type().rank() != 0) throw new DlmException(c.spanOf("value"), "value must be a scalar, got " + fill.type());
        if (fill != null && fill.type().dtype() != x.type().dtype())
            throw new DlmException(c.spanOf("value"), "value " + fill.type() + " does not match " + x.type());
        if (axes.isEmpty()) return x;
        int[] zeros = new int[axes.size()];
        Attrs attrs = Attrs.of("axes", Indexing.ints(axes), "lows", Indexing.ints(lows), "highs", Indexing.ints(highs), "interiors", zeros);
        Node padded = c.op("pad", attrs, x);
        if (fill == null || isZero(fill)) return padded;
        Node inside = c.op("pad", attrs, c.op("broadcastTo", Attrs.of("shape", x.type().shape()), c.el().constant(Tensor.scalar(DType.BOOL, 1), c.span())));
        return c.op("where", Attrs.EMPTY, inside, padded, fill);
    }

    private static boolean isZero(Node n) {
        if (!n.is("constant")) return false;
        Tensor t = n.attrs().getTensor("value");
        return t.size() == 1 && t.getDouble(0) == 0 && !(1 / t.getDouble(0) < 0);
    }

    /** Axis a padded by copies of x's own elements: edge, reflect or symmetric. */
    private static Node mirror(Call c, Node x, int axis, int before, int after, String mode) {
        if (before == 0 && after == 0) return x;
        int n = x.type().shape().dim(axis).size();
        int most = switch (mode) { case "reflect" -> n - 1; case "symmetric" -> n; default -> n == 0 ? 0 : Integer.MAX_VALUE; };
        if (before > most || after > most)
            throw new DlmException(c.spanOf("widths"), "cannot pad axis " + axis + " of size " + n + " by " + Math.max(before, after) + " in mode \"" + mode + "\": "
                    + (mode.equals("edge") ? "the axis is empty" : "at most " + most + " on a side"));
        List<Node> parts = new ArrayList<>();
        if (before > 0) parts.add(switch (mode) {
            case "reflect" -> slice(c, x, axis, before, 0, -1);
            case "symmetric" -> slice(c, x, axis, before - 1, -1, -1);
            default -> repeat(c, slice(c, x, axis, 0, 1, 1), axis, before);
        });
        parts.add(x);
        if (after > 0) parts.add(switch (mode) {
            case "reflect" -> slice(c, x, axis, n - 2, n - 2 - after, -1);
            case "symmetric" -> slice(c, x, axis, n - 1, n - 1 - after, -1);
            default -> repeat(c, slice(c, x, axis, n - 1, n, 1), axis, after);
        });
        return c.el().op("concat", parts, Attrs.of("axis", axis), c.span());
    }

    private static Node slice(Call c, Node x, int axis, int start, int stop, int step) {
        return c.op("slice", Attrs.of("axes", new int[] {axis}, "starts", new int[] {start}, "stops", new int[] {stop}, "steps", new int[] {step}), x);
    }

    /** A size-1 axis broadcast to k copies. */
    private static Node repeat(Call c, Node one, int axis, int k) {
        List<Dim> dims = new ArrayList<>(one.type().shape().dims());
        dims.set(axis, Dim.of(k));
        return c.op("broadcastTo", Attrs.of("shape", new Shape(dims)), one);
    }
}
