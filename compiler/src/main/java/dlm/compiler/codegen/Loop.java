package dlm.compiler.codegen;

import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Node;
import dlm.runtime.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One generated loop nest over a domain (a shape): element-wise values computed per element,
 * read from arrays through strided {@link Access}es (stride 0 broadcasts), stored to arrays, and
 * optionally folded into a reduction. A fused group of ops is one Loop; so is a copy.
 */
final class Loop {
    int[] dims;
    final List<Access> accesses = new ArrayList<>();
    /**
     * Element numbers that are not array positions: each random draw's row-major index in its own
     * tensor (an {@link Access} with no array), walked and collapsed exactly as the accesses are.
     */
    final List<Access> indices = new ArrayList<>();
    final List<Val> vals = new ArrayList<>();
    final List<StoreOp> stores = new ArrayList<>();
    Red red;
    /** oneHot label range checks run before the loop. */
    final List<LabelCheck> checks = new ArrayList<>();

    Loop(int[] dims) { this.dims = dims.clone(); }

    /** An array position per domain element: {@code offset + Σ i_d · strides[d]}. */
    static final class Access {
        final Value value;
        int offset;
        int[] strides;

        Access(Value value, int offset, int[] strides) {
            this.value = value;
            this.offset = offset;
            this.strides = strides;
        }

        boolean sameAs(Access o) { return value == o.value && offset == o.offset && Arrays.equals(strides, o.strides); }
    }

    /** A per-element value of the loop body. {@code origin} is the node it is attributed to (line, failures). */
    abstract static sealed class Val permits ReadVal, LitVal, IotaVal, OpVal, RandVal {
        final DType dtype;
        final Node origin;
        int level;

        Val(DType dtype, Node origin) {
            this.dtype = dtype;
            this.origin = origin;
        }
    }

    static final class ReadVal extends Val {
        final Access access;

        ReadVal(DType dtype, Node origin, Access access) {
            super(dtype, origin);
            this.access = access;
        }
    }

    /** A literal; floats in {@code d}, integers and bool in {@code l}. */
    static final class LitVal extends Val {
        final long l;
        final double d;

        LitVal(DType dtype, Node origin, long l, double d) {
            super(dtype, origin);
            this.l = l;
            this.d = d;
        }
    }

    /** The loop counter of one domain axis (oneHot's class index). */
    static final class IotaVal extends Val {
        int dim;

        IotaVal(Node origin, int dim) {
            super(DType.I32, origin);
            this.dim = dim;
        }
    }

    static final class OpVal extends Val {
        final String op;
        final Attrs attrs;
        final Val[] ins;

        OpVal(DType dtype, Node origin, String op, Attrs attrs, Val[] ins) {
            super(dtype, origin);
            this.op = op;
            this.attrs = attrs;
            this.ins = ins;
        }
    }

    /**
     * A run-time random draw ({@code randomUniform}/{@code randomNormal}) computed in the loop:
     * element {@code index} of the tensor of (seed, step, stream), a pure function of those, so
     * any loop order and any split into parallel parts gives the bits of
     * {@link dlm.runtime.random.Philox}'s fills. {@code ins} are the i64 seed and step.
     */
    static final class RandVal extends Val {
        final Val seed, step;
        final Access index;
        final int stream;
        final boolean normal;

        RandVal(DType dtype, Node origin, Val seed, Val step, Access index, int stream, boolean normal) {
            super(dtype, origin);
            this.seed = seed;
            this.step = step;
            this.index = index;
            this.stream = stream;
            this.normal = normal;
        }

        /** Elements per Philox block: f32 uniforms 4, f64 uniforms 2, normals 1. */
        int perBlock() { return normal ? 1 : dtype == DType.F32 ? 4 : 2; }
    }

    record StoreOp(Val val, Access target, Node origin) {}

    /** {@code oneHot}: every label in {@code value[offset, offset+n)} must be in [0, depth). */
    record LabelCheck(Value value, int offset, int n, int depth, Node origin) {}

    /**
     * A reduction of {@code input} over the domain axes where {@code out}'s stride is 0:
     * sum, mean, max, min, argmax or argmin. {@code count} is the number of elements per output
     * element (mean's divisor). In register mode (reduced axes innermost) the accumulator is a
     * local; otherwise it lives in {@code out}'s array or, when it must be double while the output
     * is not, in {@code scratch}.
     */
    static final class Red {
        final String kind;
        final Val input;
        final Access out;
        final DType outType;
        final Node origin;
        double count;
        boolean register;
        Value scratch;
        int outSize;

        Red(String kind, Val input, Access out, DType outType, Node origin) {
            this.kind = kind;
            this.input = input;
            this.out = out;
            this.outType = outType;
            this.origin = origin;
        }

        /** The reductions the loop generator accumulates (a reduction-kind op outside this set needs a kernel). */
        static final java.util.Set<String> KINDS = java.util.Set.of("sum", "mean", "max", "min", "argmax", "argmin");

        boolean isArg() { return kind.equals("argmax") || kind.equals("argmin"); }

        /** The accumulator's compute type. */
        JType accType() {
            return switch (kind) {
                case "mean" -> JType.DOUBLE;
                case "sum" -> outType.isFloating() ? JType.DOUBLE : JType.compute(outType);
                default -> JType.compute(input.dtype);
            };
        }

        /** Whether the accumulator must live in a double scratch array (not the output's own). */
        boolean needsScratch() {
            return !register && accType() == JType.DOUBLE && outType != DType.F64;
        }
    }

    Access access(Value v, int offset, int[] strides) {
        Access a = new Access(v, offset, strides);
        for (Access b : accesses) if (b.sameAs(a)) return b;
        accesses.add(a);
        return a;
    }

    <T extends Val> T add(T v) {
        vals.add(Objects.requireNonNull(v));
        return v;
    }

    // ---- collapsing ------------------------------------------------------------------------------

    /**
     * Drops size-1 axes and merges neighbouring axes that every access walks contiguously
     * (so a same-shape element-wise chain becomes one flat loop, a bias add two), and, for
     * argmax/argmin, first moves the reduced axes innermost (keeping their order, so ties still
     * go to the first index). Decides the reduction's register mode: its reduced axes innermost.
     */
    void collapse() {
        int rank = dims.length;
        List<Access> positions = new ArrayList<>(accesses);
        positions.addAll(indices);
        int[] iotaDims = new int[rank];
        for (Val v : vals) if (v instanceof IotaVal io) iotaDims[io.dim] = 1;
        int[] iotaStrides = new int[rank];
        for (int d = 0; d < rank; d++) iotaStrides[d] = iotaDims[d];

        // permutation (argmax: reduced axes last)
        int[] perm = new int[rank];
        for (int d = 0; d < rank; d++) perm[d] = d;
        if (red != null && red.isArg()) {
            int k = 0;
            for (int d = 0; d < rank; d++) if (red.out.strides[d] != 0 || dims[d] == 1) perm[k++] = d;
            for (int d = 0; d < rank; d++) if (!(red.out.strides[d] != 0 || dims[d] == 1)) perm[k++] = d;
        }
        // keep: non-size-1 axes in permuted order
        List<Integer> keep = new ArrayList<>();
        for (int p : perm) if (dims[p] != 1) keep.add(p);
        // merge
        List<List<Integer>> groups = new ArrayList<>();
        for (int d : keep) {
            if (!groups.isEmpty()) {
                List<Integer> last = groups.get(groups.size() - 1);
                int prev = last.get(last.size() - 1);
                boolean ok = prev < d && iotaStrides[prev] == 0 && iotaStrides[d] == 0;
                // prev must directly precede d in the original order when merging (row-major walk)
                if (ok) for (int q = prev + 1; q < d; q++) if (dims[q] != 1) ok = false;
                if (ok) for (Access a : positions) if (a.strides[prev] != a.strides[d] * dims[d]) { ok = false; break; }
                if (ok) {
                    last.add(d);
                    continue;
                }
            }
            List<Integer> g = new ArrayList<>();
            g.add(d);
            groups.add(g);
        }
        int n = groups.size();
        int[] newDims = new int[n];
        int[] oldToNew = new int[rank];
        Arrays.fill(oldToNew, -1);
        for (int i = 0; i < n; i++) {
            int size = 1;
            for (int d : groups.get(i)) { size *= dims[d]; oldToNew[d] = i; }
            newDims[i] = size;
        }
        for (Access a : positions) {
            int[] st = new int[n];
            for (int i = 0; i < n; i++) { List<Integer> g = groups.get(i); st[i] = a.strides[g.get(g.size() - 1)]; }
            a.strides = st;
        }
        for (Val v : vals) if (v instanceof IotaVal io) io.dim = oldToNew[io.dim]; // never -1: size-1 iotas became literals
        dims = newDims;
        if (red != null) {
            int s = n;
            while (s > 0 && red.out.strides[s - 1] == 0) s--;
            boolean suffix = true;
            for (int d = 0; d < s; d++) if (red.out.strides[d] == 0) suffix = false;
            red.register = suffix;
        }
    }

    /** The first axis of the reduced suffix (register mode). */
    int reducedFrom() {
        int s = dims.length;
        while (s > 0 && red.out.strides[s - 1] == 0) s--;
        return s;
    }
}
