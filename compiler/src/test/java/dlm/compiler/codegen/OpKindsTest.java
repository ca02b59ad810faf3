package dlm.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.ops.KernelOp;
import dlm.compiler.ops.Op;
import dlm.compiler.ops.OpKind;
import dlm.compiler.ops.OpRegistry;
import dlm.compiler.ops.RandomOp;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Op kinds agree with how the code generator lowers each op, since the planner decides by kind:
 * what it fuses as element-wise is of an element-wise kind, reductions are loop reductions or
 * kernels, kernel ops are nothing else.
 */
class OpKindsTest {
    @Test
    void kindsAgreeWithTheLowering() {
        for (Op op : OpRegistry.all()) {
            String n = op.name();
            if (ScalarOps.has(n))
                assertTrue(op.kind().isElementwise() || n.equals("oneHot"), n + " is fused element-wise but its kind is " + op.kind());
            if (op.kind() == OpKind.REDUCTION)
                assertTrue(Loop.Red.KINDS.contains(n) || op instanceof KernelOp, n + " is a reduction the loops cannot accumulate and not a kernel op");
            if (op instanceof KernelOp) assertFalse(ScalarOps.has(n) || Loop.Red.KINDS.contains(n), n + " is a kernel op and also lowered otherwise");
            // random draws are element-wise sources the loops compute themselves (Loop.RandVal)
            if (op.kind().isElementwise()) assertTrue(ScalarOps.has(n) || op instanceof RandomOp, n + " is element-wise but has no scalar code");
        }
    }

    @Test
    void eachFamilyHasItsKind() {
        Map<String, OpKind> want = Map.ofEntries(
                Map.entry("exp", OpKind.ELEMENTWISE), Map.entry("cast", OpKind.ELEMENTWISE), Map.entry("not", OpKind.ELEMENTWISE),
                Map.entry("add", OpKind.BROADCAST), Map.entry("less", OpKind.BROADCAST), Map.entry("where", OpKind.BROADCAST),
                Map.entry("reshape", OpKind.INJECTIVE), Map.entry("slice", OpKind.INJECTIVE), Map.entry("pad", OpKind.INJECTIVE),
                Map.entry("concat", OpKind.INJECTIVE), Map.entry("oneHot", OpKind.INJECTIVE),
                Map.entry("sum", OpKind.REDUCTION), Map.entry("argmax", OpKind.REDUCTION),
                Map.entry("matmul", OpKind.OUTPUT_FUSABLE),
                Map.entry("softmax", OpKind.OPAQUE), Map.entry("sparseSoftmaxCrossEntropy", OpKind.OPAQUE),
                Map.entry("input", OpKind.OPAQUE), Map.entry("numel", OpKind.OPAQUE));
        for (var e : want.entrySet()) assertEquals(e.getValue(), OpRegistry.get(e.getKey()).kind(), e.getKey());
    }
}
