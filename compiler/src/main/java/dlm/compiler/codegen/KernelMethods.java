package dlm.compiler.codegen;

import dlm.compiler.diag.DlmException;
import dlm.compiler.ir.Node;
import dlm.compiler.ops.KernelCall;
import dlm.runtime.DType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the runtime method of a {@link KernelCall}: the public static overload whose parameter
 * types are exactly those the arguments pass (an array of each operand's storage type and an int
 * offset per input or output, int and boolean constants, scratch arrays). The generated call's
 * JVM descriptor is then the real method's, so it cannot disagree with the kernel.
 */
final class KernelMethods {
    private KernelMethods() {}

    /**
     * @param operands per input of n, its view (null if the call does not pass it)
     * @throws DlmException located at n when no overload takes these dtypes
     */
    static Method resolve(KernelCall call, Node n, View[] operands, DType out) {
        List<Class<?>> params = new ArrayList<>();
        boolean writesOutput = false;
        for (KernelCall.Arg a : call.args()) {
            switch (a) {
                case KernelCall.Input(int i) -> {
                    params.add(arrayClass(operands[i].base().dtype));
                    params.add(int.class);
                }
                case KernelCall.Output o -> {
                    params.add(arrayClass(out));
                    params.add(int.class);
                    writesOutput = true;
                }
                case KernelCall.IntArg c -> params.add(int.class);
                case KernelCall.BoolArg c -> params.add(boolean.class);
                case KernelCall.Scratch s -> params.add(arrayClass(s.dtype()));
                case KernelCall.Absent absent -> {
                    params.add(arrayClass(absent.dtype()));
                    params.add(int.class);
                }
            }
        }
        Method m;
        try {
            m = call.owner().getMethod(call.method(), params.toArray(Class<?>[]::new));
        } catch (NoSuchMethodException e) {
            throw new DlmException(n.span(), "the code generator does not support " + out + " " + n.opName());
        }
        if (!Modifier.isStatic(m.getModifiers()))
            throw new IllegalStateException("kernel " + m + " of " + n.opName() + " is not static");
        Class<?> r = m.getReturnType();
        if (r != void.class && (writesOutput || !(r == int.class || r == long.class || r == float.class || r == double.class)))
            throw new IllegalStateException("kernel " + m + " of " + n.opName() + " must write its output or return a number instead");
        if (r == void.class && !writesOutput)
            throw new IllegalStateException("kernel " + m + " of " + n.opName() + " neither writes nor returns its output");
        return m;
    }

    /** The compute type of a kernel's returned number. */
    static JType returnType(Method m) {
        Class<?> r = m.getReturnType();
        if (r == int.class) return JType.INT;
        if (r == long.class) return JType.LONG;
        if (r == float.class) return JType.FLOAT;
        if (r == double.class) return JType.DOUBLE;
        throw new IllegalArgumentException("kernel " + m + " returns " + r);
    }

    private static Class<?> arrayClass(DType d) { return Storage.of(d).allocate(0).getClass(); }
}
