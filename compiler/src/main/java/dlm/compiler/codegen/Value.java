package dlm.compiler.codegen;

import dlm.compiler.ir.Node;
import dlm.runtime.DType;
import dlm.runtime.Tensor;

/**
 * One array-backed value of the memory plan: an external array (an input, param or optimizer
 * slot, bound by the caller), a constant, or an intermediate produced by a step. Intermediates
 * share arrays ({@link Buf}) when their lifetimes in the schedule do not overlap; outputs are
 * pinned to arrays of their own.
 */
final class Value {
    enum Kind { EXTERNAL, CONSTANT, TEMP }

    final int id;
    final Kind kind;
    final DType dtype;
    final int size;
    /** The graph node whose value this is (the external, the constant, the producing node), for names. */
    final Node node;
    Tensor constant;
    /** The step computing a TEMP value. */
    Unit producer;
    /** Outputs: an array of exactly {@link #size} elements that nothing else uses. */
    boolean pinned;
    Buf buf;

    Value(int id, Kind kind, DType dtype, int size, Node node) {
        this.id = id;
        this.kind = kind;
        this.dtype = dtype;
        this.size = size;
        this.node = node;
    }

    Storage storage() { return Storage.of(dtype); }

    String describe() {
        String what = switch (kind) {
            case EXTERNAL -> "external " + node.label();
            case CONSTANT -> "constant";
            case TEMP -> (pinned ? "output " : "") + (node != null ? node.label() : "temp");
        };
        return what + " " + dtype + "[" + size + "]";
    }

    @Override
    public String toString() { return "v" + id + "(" + describe() + ")"; }
}
