package dlm.compiler.ops;

import dlm.compiler.ir.Attrs;
import dlm.runtime.DType;

/** The code of one element of an element-wise op; contract of {@link ElementwiseOp#emit}. */
@FunctionalInterface
interface ScalarEmitter {
    void emit(ScalarCode c, DType out, DType[] in, Attrs attrs);
}
