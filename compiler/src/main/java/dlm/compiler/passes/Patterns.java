package dlm.compiler.passes;

import dlm.compiler.ir.Node;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.Set;

/** Small structural predicates shared by the passes. */
final class Patterns {
    private Patterns() {}

    /** Ops that only relabel the same row-major elements under another shape. */
    static final Set<String> RELABEL = Set.of("reshape", "expandDims", "squeeze");

    /** Ops that move or repeat elements without computing: a splat stays the same splat through them. */
    private static final Set<String> SPLAT_PRESERVING = Set.of("reshape", "expandDims", "squeeze", "transpose", "broadcastTo", "tile", "slice");

    static boolean isLeaf(Node n) { return n.is("input") || n.is("param") || n.is("constant"); }

    /**
     * Whether every element of {@code n}'s value is {@code v}: a constant whose elements all equal
     * {@code v} (integers compared exactly, floats by value, so both zeros count as 0; NaN never
     * matches), seen through movement ops such as {@code broadcastTo} that only repeat elements.
     */
    static boolean isSplat(Node n, long v) {
        while (SPLAT_PRESERVING.contains(n.opName())) n = n.input(0);
        if (!n.is("constant")) return false;
        Tensor t = n.attrs().getTensor("value");
        boolean exact = !t.dtype().isFloating();
        if (t.dtype() == DType.BOOL) return false;
        for (int i = 0; i < t.size(); i++) {
            if (exact ? t.getLong(i) != v : t.getDouble(i) != (double) v) return false;
        }
        return true;
    }

    /** Whether {@code n} is a bool constant (seen through movement ops) whose every element is {@code v}. */
    static boolean isBoolSplat(Node n, boolean v) {
        while (SPLAT_PRESERVING.contains(n.opName())) n = n.input(0);
        if (!n.is("constant")) return false;
        Tensor t = n.attrs().getTensor("value");
        if (t.dtype() != DType.BOOL) return false;
        for (int i = 0; i < t.size(); i++) if ((t.getLong(i) != 0) != v) return false;
        return true;
    }

    /** A transpose's permutation, with the absent attr meaning "reverse the axes". */
    static int[] perm(Node transpose) {
        if (transpose.attrs().has("perm")) return transpose.attrs().getInts("perm");
        int rank = transpose.type().rank();
        int[] p = new int[rank];
        for (int i = 0; i < rank; i++) p[i] = rank - 1 - i;
        return p;
    }

    static boolean isIdentity(int[] perm) {
        for (int i = 0; i < perm.length; i++) if (perm[i] != i) return false;
        return true;
    }

    /** Same dtype, same shape and the same bits in every element (so 0.0 ≠ -0.0, and NaNs compare by payload). */
    static boolean bitwiseEqual(Tensor a, Tensor b) {
        if (a.dtype() != b.dtype() || !java.util.Arrays.equals(a.shape(), b.shape())) return false;
        return switch (a.dtype()) {
            case F32 -> {
                float[] x = a.f32Storage(), y = b.f32Storage();
                for (int i = 0; i < x.length; i++) if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(y[i])) yield false;
                yield true;
            }
            case F64 -> {
                double[] x = a.f64Storage(), y = b.f64Storage();
                for (int i = 0; i < x.length; i++) if (Double.doubleToRawLongBits(x[i]) != Double.doubleToRawLongBits(y[i])) yield false;
                yield true;
            }
            // Every other dtype's storage (byte, short, int, long arrays) compares bit for bit already.
            default -> a.equals(b);
        };
    }

    /**
     * A hash of a tensor's dtype, shape and element bits, consistent with {@link #bitwiseEqual};
     * it reads at most the first {@value #HASHED_ELEMENTS} elements, so hashing a 47-million-element
     * constant stays cheap (equality still compares everything).
     */
    static int bitwiseHash(Tensor t) {
        int h = 31 * t.dtype().hashCode() + java.util.Arrays.hashCode(t.shape());
        int n = Math.min(t.size(), HASHED_ELEMENTS);
        for (int i = 0; i < n; i++) {
            long bits = switch (t.dtype()) {
                case F32 -> Float.floatToRawIntBits(t.f32Storage()[i]);
                case F64 -> Double.doubleToRawLongBits(t.f64Storage()[i]);
                case F16 -> ((short[]) t.storage())[i];
                default -> t.getLong(i);
            };
            h = 31 * h + Long.hashCode(bits);
        }
        return h;
    }

    static final int HASHED_ELEMENTS = 256;
}
