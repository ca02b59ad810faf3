package dlm.compiler.ops;

import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import java.util.List;

/**
 * Row dependence, the question "does output row k depend on input row k only?" that decides
 * whether a step compiled for batches of B rows may run a short batch padded with other rows
 * (the ahead-of-time facade does). Every value gets a <em>row axis</em>: the axis along which
 * its index k means "computed from batch row k alone" ({@code 0} for the model's input),
 * {@link #NONE} when it reads no row at all (weights, constants), or {@link #MIXED} when an
 * element may read several rows. {@link Op#rowAxis} gives an op's rule; this class holds the
 * rules several ops share. Every rule is conservative: when in doubt, {@link #MIXED}.
 */
public final class RowAxes {
    /** The value reads no batch row. */
    public static final int NONE = -1;
    /** An element of the value may read several batch rows. */
    public static final int MIXED = -2;

    private RowAxes() {}

    /** The rule of an op that knows nothing of rows: row-free from row-free inputs, else mixed. */
    static int opaque(int[] in) {
        for (int a : in) if (a != NONE) return MIXED;
        return NONE;
    }

    /**
     * NumPy broadcasting ({@link OpKind#isElementwise} ops, {@code broadcastTo}): inputs are
     * aligned on the right, so input axis a lands on output axis a + (output rank − input rank);
     * every input carrying rows must land its row axis on the same output axis without being
     * stretched there.
     */
    static int broadcast(Node node, int[] in) {
        Shape out = node.type().shape();
        int result = NONE;
        for (int i = 0; i < in.length; i++) {
            if (in[i] == NONE) continue;
            if (in[i] == MIXED) return MIXED;
            Shape s = node.input(i).type().shape();
            int axis = in[i] + out.rank() - s.rank();
            if (!s.dim(in[i]).equals(out.dim(axis))) return MIXED;
            if (result != NONE && result != axis) return MIXED;
            result = axis;
        }
        return result;
    }

    /** Ops that work along one axis of their first input (softmax, cumsum, argsort): rows stay where they are unless that axis is the row axis. */
    static int alongAxis(int[] in, int axis) {
        if (in.length == 0) return NONE;
        for (int i = 1; i < in.length; i++) if (in[i] != NONE && in[i] != in[0]) return MIXED;
        if (in[0] < 0) return in[0] == NONE ? opaque(in) : MIXED;
        return in[0] == axis ? MIXED : in[0];
    }

    /** NHWC windows (convolution, pooling): rows on axis 0 of the first input, everything else (kernel, bias) row-free. */
    static int batchFirst(int[] in) {
        for (int i = 1; i < in.length; i++) if (in[i] != NONE) return MIXED;
        if (in.length == 0 || in[0] == NONE) return NONE;
        return in[0] == 0 ? 0 : MIXED;
    }

    /** The axis of {@code axis} after removing the axes flagged in {@code removed} before it. */
    static int shiftedBy(int axis, boolean[] removed) {
        int r = axis;
        for (int a = 0; a < axis; a++) if (removed[a]) r--;
        return r;
    }

    /** The product of the first {@code n} dims. */
    static Dim prefix(List<Dim> dims, int n) {
        Dim p = Dim.of(1);
        for (int i = 0; i < n; i++) p = p.times(dims.get(i));
        return p;
    }
}
