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
 * {@code pad(x)}: x spread into a larger tensor of zeros (false for bool), XLA's {@code Pad}. Attrs
 * {@code axes}, {@code lows}, {@code highs}, {@code interiors} (int[] each, one entry per padded
 * axis, all ≥ 0): along each padded axis of size n, {@code low} zeros come first, then the
 * elements with {@code interior} zeros between neighbours, then {@code high} zeros, for
 * {@code low + n + (n-1)·interior + high} elements. Padded axes need a known size; the others are
 * kept whole and may be symbolic.
 *
 * <p>It is the transpose of {@link SliceOp} (the VJP of {@code x[start:stop:step]} pads with
 * {@code start}, {@code step - 1} and the rest of the axis), and its own VJP is that slice.
 */
final class PadOp implements Op {
    @Override
    public OpKind kind() { return OpKind.INJECTIVE; }

    @Override
    public String name() { return "pad"; }

    /** One padded axis. */
    private record Padding(int axis, int low, int high, int interior) {
        int size(int n) { return low + high + n + Math.max(n - 1, 0) * interior; }
    }

    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        MovementSupport.requireArity(name(), inputs, 1);
        TensorType x = inputs.get(0);
        List<Dim> dims = new ArrayList<>(x.shape().dims());
        boolean[] seen = new boolean[x.rank()];
        for (Padding p : paddings(attrs)) {
            if (!MovementSupport.inRange(p.axis, x.rank()))
                throw new ShapeException("cannot pad axis " + p.axis + " of " + x + ": it has rank " + x.rank());
            if (seen[p.axis]) throw new ShapeException("cannot pad axis " + p.axis + " of " + x + " twice");
            seen[p.axis] = true;
            if (p.low < 0 || p.high < 0 || p.interior < 0)
                throw new ShapeException("cannot pad axis " + p.axis + " of " + x + " by " + p.low + ", " + p.high + ", " + p.interior
                        + ": paddings must be 0 or more");
            Dim d = x.shape().dim(p.axis);
            if (!d.isKnown())
                throw new ShapeException("cannot pad axis " + p.axis + " of " + x + ": its size " + d + " is not known statically");
            dims.set(p.axis, Dim.of(p.size(d.size())));
        }
        return x.withShape(new Shape(dims));
    }

    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        int[] outShape = MovementSupport.outputSizes(this, inputs, attrs);
        Tensor x = inputs.get(0);
        int[] first = new int[x.rank()], stride = new int[x.rank()];
        Arrays.fill(stride, 1);
        for (Padding p : paddings(attrs)) {
            first[p.axis] = p.low;
            stride[p.axis] = p.interior + 1;
        }
        Tensor out = Tensor.zeros(x.dtype(), outShape);
        int[] in = new int[x.rank()], at = new int[x.rank()];
        for (int i = 0; i < x.size(); i++) {
            for (int a = 0; a < in.length; a++) at[a] = first[a] + in[a] * stride[a];
            MovementSupport.copyElement(x, i, out, out.flatIndex(at));
            MovementSupport.step(in, x.shape());
        }
        return out;
    }

    /** The slice that picks x's elements back out of the padded cotangent. */
    @Override
    public List<Node> vjp(Node node, Node g, GradBuilder d) {
        return d.perInput(() -> {
            TensorType x = node.input(0).type();
            List<Padding> ps = paddings(node.attrs());
            int k = ps.size();
            int[] axes = new int[k], starts = new int[k], stops = new int[k], steps = new int[k];
            for (int i = 0; i < k; i++) {
                Padding p = ps.get(i);
                int n = x.shape().dim(p.axis).size();
                axes[i] = p.axis;
                starts[i] = p.low;
                stops[i] = n == 0 ? p.low : p.low + (n - 1) * (p.interior + 1) + 1;
                steps[i] = p.interior + 1;
            }
            return d.op("slice", Attrs.of("axes", axes, "starts", starts, "stops", stops, "steps", steps), g);
        });
    }

    private static List<Padding> paddings(Attrs attrs) {
        int[] axes = attrs.getInts("axes"), lows = attrs.getInts("lows"), highs = attrs.getInts("highs"), interiors = attrs.getInts("interiors");
        if (lows.length != axes.length || highs.length != axes.length || interiors.length != axes.length)
            throw new ShapeException("pad needs one low, high and interior padding per axis, got " + axes.length + " axes, "
                    + lows.length + " lows, " + highs.length + " highs and " + interiors.length + " interiors");
        List<Padding> ps = new ArrayList<>(axes.length);
        for (int i = 0; i < axes.length; i++) ps.add(new Padding(axes[i], lows[i], highs[i], interiors[i]));
        return ps;
    }

    /** Rows survive padding of the other axes. */
    @Override
    public int rowAxis(Node node, int[] in) {
        if (in[0] < 0) return RowAxes.opaque(in);
        for (int i = 1; i < in.length; i++) if (in[i] != RowAxes.NONE) return RowAxes.MIXED;
        int[] axes = node.attrs().getInts("axes");
        for (int i = 0; i < axes.length; i++)
            if (axes[i] == in[0] && (node.attrs().getInts("lows")[i] != 0 || node.attrs().getInts("highs")[i] != 0
                    || (node.attrs().has("interiors") && node.attrs().getInts("interiors")[i] != 0))) return RowAxes.MIXED;
        return in[0];
    }
}
