package dlm.compiler.codegen;

import dlm.compiler.codegen.Planner.Info;
import dlm.compiler.ir.Node;
import dlm.compiler.ops.KernelCall;
import dlm.compiler.ops.KernelOp;
import dlm.runtime.DType;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/** Lowers a kernel op ({@link dlm.compiler.ops.KernelOp}) to a {@link Unit.Kernel}, knowing nothing of the op. */
final class KernelLowering {
    private final Planner p;

    KernelLowering(Planner p) { this.p = p; }

    /**
     * A kernel op: one call of the runtime method it names ({@link KernelOp#kernel}), on contiguous
     * copies of inputs that are not contiguous, into a fresh output array (or, for a method that
     * returns the result, its one element), with any scratch array planned as an intermediate
     * that dies with the call.
     */
    void kernel(Info in, KernelOp op) {
        Node n = in.node;
        List<int[]> shapes = new ArrayList<>();
        for (Node i : n.inputs()) shapes.add(p.info(i).shape);
        call(in, op.kernel(n, shapes, in.shape));
    }

    /** Lowers node {@code in} to one call of {@code call}'s runtime method, as {@link #kernel} describes. */
    void call(Info in, KernelCall call) {
        Node n = in.node;
        View[] operands = new View[n.inputs().size()];
        for (KernelCall.Arg a : call.args())
            if (a instanceof KernelCall.Input(int i) && operands[i] == null) operands[i] = p.operand(p.info(n.input(i)));
        Method method = KernelMethods.resolve(call, n, operands, in.dtype);
        if (method.getReturnType() != void.class && View.numel(in.shape) != 1)
            throw new IllegalStateException("kernel " + method + " returns the result of " + n.opName() + ", whose output " + n.type() + " is not one element");
        for (int i = 0; i < operands.length; i++) if (operands[i] != null && !operands[i].isContiguous()) operands[i] = p.copy(operands[i], n);
        Unit.Kernel u = new Unit.Kernel(p.nextUnit++, call, method);
        p.units.add(u);
        u.nodes.add(n);
        for (View v : operands) if (v != null) p.readBy(u, v);
        Value out = p.newValue(Value.Kind.TEMP, in.dtype, View.numel(in.shape), n);
        out.producer = u;
        u.out = out;
        in.view = View.contiguous(out, in.shape);
        for (int k = 0; k < call.args().size(); k++) {
            switch (call.args().get(k)) {
                case KernelCall.Input(int i) -> {
                    u.values[k] = operands[i].base();
                    u.offsets[k] = operands[i].offset();
                }
                case KernelCall.Output o -> u.values[k] = out;
                case KernelCall.Scratch(DType dtype, int size) -> {
                    Value s = p.newValue(Value.Kind.TEMP, dtype, size, n);
                    s.producer = u;
                    u.values[k] = s;
                }
                case KernelCall.IntArg c -> {}
                case KernelCall.BoolArg c -> {}
                case KernelCall.Absent a -> {}
            }
        }
    }
}
