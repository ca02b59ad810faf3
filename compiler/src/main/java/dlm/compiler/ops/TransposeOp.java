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
 * {@code transpose(x)}: permutes the axes, NumPy's {@code np.transpose(x, perm)}: output axis
 * {@code i} is input axis {@code perm[i]}. Attr {@code perm} (int[], a permutation of
 * 0..rank-1); when absent, the axes are reversed, NumPy's default and what {@code x.T} means.
 */
final class TransposeOp implements Op {
    @Override
    public OpKind kind() { return OpKind.INJECTIVE; }

    @Override
    public String name() { return "transpose"; }

    @Override
    public TensorType infer(List<TensorType> inputs, Attrs attrs) {
        MovementSupport.requireArity(name(), inputs, 1);
        TensorType x = inputs.get(0);
        int[] perm = perm(attrs, x.rank());
        if (!isPermutation(perm, x.rank()))
            throw new ShapeException("invalid permutation " + Arrays.toString(perm) + " for " + x);
        List<Dim> dims = new ArrayList<>(perm.length);
        for (int p : perm) dims.add(x.shape().dim(p));
        return x.withShape(new Shape(dims));
    }

    @Override
    public Tensor eval(List<Tensor> inputs, Attrs attrs) {
        int[] outShape = MovementSupport.outputSizes(this, inputs, attrs);
        Tensor x = inputs.get(0);
        int[] perm = perm(attrs, x.rank());
        return MovementSupport.gather(x, outShape, (out, in) -> {
            for (int i = 0; i < perm.length; i++) in[perm[i]] = out[i];
        });
    }

    private static int[] perm(Attrs attrs, int rank) {
        if (attrs.has("perm")) return attrs.getInts("perm");
        int[] reversed = new int[rank];
        for (int i = 0; i < rank; i++) reversed[i] = rank - 1 - i;
        return reversed;
    }

    private static boolean isPermutation(int[] perm, int rank) {
        if (perm.length != rank) return false;
        boolean[] seen = new boolean[rank];
        for (int p : perm) {
            if (!MovementSupport.inRange(p, rank) || seen[p]) return false;
            seen[p] = true;
        }
        return true;
    }

    /** The cotangent, transposed by the inverse permutation. */
    @Override
    public List<Node> vjp(Node node, Node g, GradBuilder d) {
        int[] perm = perm(node.attrs(), node.type().rank());
        int[] inverse = new int[perm.length];
        for (int i = 0; i < perm.length; i++) inverse[perm[i]] = i;
        return d.perInput(() -> d.transpose(g, inverse));
    }

    @Override
    public int rowAxis(Node node, int[] in) {
        if (in[0] < 0) return in[0];
        int[] perm = node.attrs().getInts("perm");
        for (int j = 0; j < perm.length; j++) if (perm[j] == in[0]) return j;
        return RowAxes.MIXED;
    }
}
