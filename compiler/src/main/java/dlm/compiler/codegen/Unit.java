package dlm.compiler.codegen;

import dlm.compiler.ir.Node;
import dlm.compiler.ops.KernelCall;
import dlm.runtime.DType;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One step of the schedule, compiled to one method of the generated class: a fused group of
 * element-wise ops (with at most one reduction), a kernel call (the matrix product, or the
 * runtime method of a {@link dlm.compiler.ops.KernelOp}) or a data movement (copy, pad, concat, tile).
 */
abstract class Unit {
    final int id;
    /** The graph nodes it computes, in graph order (names, lines). */
    final List<Node> nodes = new ArrayList<>();
    /** Steps that must run before it: producers of what it reads, and readers of what it overwrites in place. */
    final Set<Unit> preds = new LinkedHashSet<>();
    /** Values it reads (through views). */
    final Set<Value> reads = new LinkedHashSet<>();
    /** External arrays (params, slots) it overwrites in place. */
    final Set<Value> inPlace = new LinkedHashSet<>();
    /** Position in the schedule. */
    int order = -1;
    String method;

    Unit(int id) { this.id = id; }

    /** The loops of this step (groups and movements); empty for kernel calls. */
    abstract List<Loop> loops();

    abstract String kind();

    Node firstNode() { return nodes.isEmpty() ? null : nodes.get(0); }

    int firstNodeId() { return nodes.isEmpty() ? Integer.MAX_VALUE : nodes.stream().mapToInt(Node::id).min().getAsInt(); }

    /** A fused group: element-wise members over one domain, at most one reduction. */
    static final class Group extends Unit {
        final int[] domain;
        final List<Node> members = new ArrayList<>();
        Node reduction;
        Value reductionOut;
        /** In-place stores: member → external value (whole, identity access). */
        final List<Object[]> extraStores = new ArrayList<>();
        Loop loop;

        Group(int id, int[] domain) {
            super(id);
            this.domain = domain.clone();
        }

        @Override
        List<Loop> loops() { return loop == null ? List.of() : List.of(loop); }

        @Override
        String kind() { return reduction != null ? reduction.opName() : members.isEmpty() ? "copy" : members.get(members.size() - 1).opName(); }

        int size() { return members.size() + (reduction != null ? 1 : 0); }
    }

    /** Copies and fills: pad, concat, tile, materialized views, outputs. */
    static final class Move extends Unit {
        final List<Loop> loops = new ArrayList<>();
        final String what;

        Move(int id, String what) {
            super(id);
            this.what = what;
        }

        @Override
        List<Loop> loops() { return loops; }

        @Override
        String kind() { return what; }
    }

    /**
     * A stack of matrix products {@code C[b] = op(A[b]) · op(B[b])}: A[b][i,p] at
     * {@code aOff + Σ batch·aBatch + i·ars + p·acs}, B likewise, C contiguous.
     */
    static final class Gemm extends Unit {
        final DType dtype;
        Value a, b, c;
        int aOff, ars, acs, bOff, brs, bcs;
        int m, n, k;
        int[] batch = new int[0], aBatch = new int[0], bBatch = new int[0];
        /** Fused epilogue (see {@code dlm.runtime.kernels.Epilogue}): a row-vector bias at {@code bias[biasOff..]}, then relu. */
        Value bias;
        int biasOff;
        boolean biasAdded, relu;
        /** Non-null: the result is then masked, {@code C = mask > 0 ? C : 0} (a relu's backward pass; mask contiguous, m×n). */
        Value mask;
        int maskOff;
        /** Non-null: {@code a} holds u8 codes and op(A)'s elements are {@code aTable[code]} (an f32[256] constant). */
        Value aTable;
        /** The element-wise nodes that {@link #aTable} tabulates (computed at compile time, no code of their own). */
        final List<Node> tabulated = new ArrayList<>();

        Gemm(int id, DType dtype) {
            super(id);
            this.dtype = dtype;
        }

        @Override
        List<Loop> loops() { return List.of(); }

        @Override
        String kind() { return "matmul"; }
    }

    /**
     * A call of a kernel op's runtime method ({@link dlm.compiler.ops.KernelOp}): {@code args}
     * holds, per argument of {@code call}, the resolved operand — a {@link Value} and an offset
     * for an input or the output, the {@link Value} of a scratch array, nothing for a constant.
     */
    static final class Kernel extends Unit {
        final KernelCall call;
        final Method method;
        final Value[] values;
        final int[] offsets;
        Value out;

        Kernel(int id, KernelCall call, Method method) {
            super(id);
            this.call = call;
            this.method = method;
            this.values = new Value[call.args().size()];
            this.offsets = new int[call.args().size()];
        }

        /** Whether the method returns the output's one element instead of writing it. */
        boolean returnsResult() { return method.getReturnType() != void.class; }

        @Override
        List<Loop> loops() { return List.of(); }

        @Override
        String kind() { return firstNode().opName(); }
    }
}
