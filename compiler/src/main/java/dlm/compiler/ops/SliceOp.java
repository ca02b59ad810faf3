package dlm.compiler.ops;

import dlm.compiler.autodiff.GradBuilder;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code slice(x)}: basic NumPy slicing {@code x[start:stop:step, ...]}. Attrs {@code axes},
 * {@code starts}, {@code stops}, {@code steps} (int[] each, one entry per sliced axis). The
 * checker has already normalized them: axes distinct and in range, negative indices resolved,
 * so {@code x[:, 7:-7]} arrives as {@code 7:21} on a 28-wide axis. A sliced axis needs a known
 * size (to resolve its indices); the other axes are kept whole and may be symbolic.
 *
 * <p>A positive step reads {@code start, start+step, …} below {@code stop}, with
 * {@code 0 ≤ start, stop ≤ size}: ceil((stop-start)/step) elements, 0 when stop ≤ start. A
 * negative step reads {@code start, start+step, …} above {@code stop}, with
 * {@code -1 ≤ start, stop ≤ size-1} ({@code stop = -1} is "through index 0", Python's
 * normalized stop of {@code x[::-1]}): ceil((start-stop)/-step) elements, 0 when stop ≥ start.
 * A step of 0 is an error.
 */
final class SliceOp implements Op {
    @Override
    public OpKind kind() { return OpKind.INJECTIVE; }

    @Override
    public String name() { return "slice"; }

    /** One sliced axis. */
    private record Range(int axis, int start, int stop, int step) {
        int length() {
            if (step > 0) return stop <= start ? 0 : (stop - start + step - 1) / step;
            return stop >= start ? 0 : (start - stop - step - 1) / -step;
        }

        /** The lowest index read (when the range is not empty). */
        int lowest() { return step > 0 ? start : start + (length() - 1) * step; }

        @Override
        public String toString() { return start + ":" + stop + (step == 1 ? "" : ":" + step); }
    }

    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        MovementSupport.requireArity(name(), inputs, 1);
        TensorType x = inputs.get(0);
        List<Dim> dims = new ArrayList<>(x.shape().dims());
        boolean[] seen = new boolean[x.rank()];
        for (Range r : ranges(attrs)) {
            if (!MovementSupport.inRange(r.axis, x.rank()))
                throw new ShapeException("cannot slice axis " + r.axis + " of " + x + ": it has rank " + x.rank());
            if (seen[r.axis]) throw new ShapeException("cannot slice axis " + r.axis + " of " + x + " twice");
            seen[r.axis] = true;
            if (r.step == 0) throw new ShapeException("slice " + r + " of " + x + ": the step must not be 0");
            Dim d = x.shape().dim(r.axis);
            if (!d.isKnown())
                throw new ShapeException("cannot slice axis " + r.axis + " of " + x + ": its size " + d + " is not known statically");
            int lo = r.step > 0 ? 0 : -1, hi = r.step > 0 ? d.size() : d.size() - 1;
            if (r.start < lo || r.start > hi || r.stop < lo || r.stop > hi)
                throw new ShapeException("slice " + r + " is out of range for axis " + r.axis + " of " + x);
            dims.set(r.axis, Dim.of(r.length()));
        }
        return x.withShape(new Shape(dims));
    }

    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        int[] outShape = MovementSupport.outputSizes(this, inputs, attrs);
        Tensor x = inputs.get(0);
        // Per input axis, the first index read and the stride between reads (0 and 1: a whole axis).
        int[] first = new int[x.rank()], stride = new int[x.rank()];
        Arrays.fill(stride, 1);
        for (Range r : ranges(attrs)) {
            first[r.axis] = r.start;
            stride[r.axis] = r.step;
        }
        return MovementSupport.gather(x, outShape, (out, in) -> {
            for (int a = 0; a < in.length; a++) in[a] = first[a] + out[a] * stride[a];
        });
    }

    private static List<Range> ranges(Attrs attrs) {
        int[] axes = attrs.getInts("axes"), starts = attrs.getInts("starts"), stops = attrs.getInts("stops"), steps = attrs.getInts("steps");
        if (starts.length != axes.length || stops.length != axes.length || steps.length != axes.length)
            throw new ShapeException("slice needs one start, stop and step per axis, got " + axes.length + " axes, "
                    + starts.length + " starts, " + stops.length + " stops and " + steps.length + " steps");
        List<Range> rs = new ArrayList<>(axes.length);
        for (int i = 0; i < axes.length; i++) rs.add(new Range(axes[i], starts[i], stops[i], steps[i]));
        return rs;
    }

    /**
     * The cotangent scattered back into zeros: {@code pad}, with the lowest index read before,
     * the rest of the axis after, and {@code |step| - 1} zeros between the selected elements.
     * Along an axis read with a negative step the cotangent is first reversed (a {@code ::-1}
     * slice), so it is in increasing index order like the padded result.
     */
    @Override
    public List<Node> vjp(Node node, Node g, GradBuilder d) {
        return d.perInput(() -> {
            TensorType x = node.input(0).type();
            List<Range> rs = ranges(node.attrs());
            int[] axes = new int[rs.size()], lows = new int[rs.size()], highs = new int[rs.size()], interiors = new int[rs.size()];
            List<Range> reversed = new ArrayList<>();
            for (int i = 0; i < rs.size(); i++) {
                Range r = rs.get(i);
                int len = r.length();
                // An empty range pads the whole axis; a positive one keeps its start as the split.
                int low = len > 0 ? r.lowest() : r.step > 0 ? r.start : 0;
                int end = len == 0 ? low : low + (len - 1) * Math.abs(r.step) + 1;
                axes[i] = r.axis;
                lows[i] = low;
                highs[i] = x.shape().dim(r.axis).size() - end;
                interiors[i] = Math.abs(r.step) - 1;
                if (r.step < 0 && len > 1) reversed.add(new Range(r.axis, len - 1, -1, -1));
            }
            Node ordered = g;
            if (!reversed.isEmpty()) {
                int k = reversed.size();
                int[] ra = new int[k], rst = new int[k], rsp = new int[k], rstep = new int[k];
                for (int i = 0; i < k; i++) {
                    ra[i] = reversed.get(i).axis;
                    rst[i] = reversed.get(i).start;
                    rsp[i] = -1;
                    rstep[i] = -1;
                }
                ordered = d.op("slice", Attrs.of("axes", ra, "starts", rst, "stops", rsp, "steps", rstep), g);
            }
            return d.op("pad", Attrs.of("axes", axes, "lows", lows, "highs", highs, "interiors", interiors), ordered);
        });
    }

    /** Rows survive a slice that leaves the row axis whole and in order. */
    @Override
    public int rowAxis(Node node, int[] in) {
        if (in[0] < 0) return in[0];
        int[] axes = node.attrs().getInts("axes");
        for (int i = 0; i < axes.length; i++) {
            if (axes[i] != in[0]) continue;
            boolean whole = node.attrs().getInts("starts")[i] == 0 && node.attrs().getInts("steps")[i] == 1
                    && node.input(0).type().shape().dim(in[0]).equals(node.type().shape().dim(in[0]));
            if (!whole) return RowAxes.MIXED;
        }
        return in[0];
    }
}
