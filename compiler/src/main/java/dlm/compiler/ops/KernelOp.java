package dlm.compiler.ops;

import dlm.compiler.ir.Node;
import java.util.List;

/**
 * An op computed by one call of a public static method of {@code dlm.runtime} (its kernel). The
 * op says which method and with which arguments ({@link KernelCall}); the code generator turns
 * that into a step of the compiled class (operands made contiguous, the output and any scratch
 * array planned like every other intermediate) without knowing the op. Adding a kernel op is
 * this class plus its runtime kernel.
 */
public interface KernelOp extends Op {

    /**
     * The call computing {@code node} (an application of this op), for the concrete shapes its
     * inputs and output have in the step being compiled (symbolic dims bound). Attributes and
     * dtypes come from {@code node}. The method's overload is picked from the arguments' types
     * (see {@link KernelCall}), so one call description serves every dtype the kernel has an
     * overload for.
     */
    KernelCall kernel(Node node, List<int[]> inputShapes, int[] outputShape);
}
