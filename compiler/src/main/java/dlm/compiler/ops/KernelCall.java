package dlm.compiler.ops;

import dlm.runtime.DType;
import java.util.List;

/**
 * A call of a public static method of {@code dlm.runtime} that computes one node: the owner class,
 * the method's name and its arguments in order.
 *
 * <p>The overload is chosen by exact parameter types, derived from the arguments: an
 * {@link Input} or {@link Output} is two parameters, the array that stores its dtype
 * ({@code float[]} for f32, {@code double[]} for f64, {@code byte[]} for u8 and bool,
 * {@code short[]} for f16, {@code int[]}, {@code long[]}) and an {@code int} offset; an
 * {@link IntArg} is an {@code int}, a {@link BoolArg} a {@code boolean}, a {@link Scratch} its
 * array alone. So f32 and f64 are served by two overloads of one name, and a dtype without an
 * overload is reported as unsupported by the code generator.
 *
 * <p>Inputs and output are contiguous, row-major, starting at the passed offset. A method that
 * returns a number instead of writing its output (a scalar result such as a loss) takes no
 * {@link Output}; its result, converted to the output's dtype, is the output's one element.
 *
 * @param owner a class of {@code dlm.runtime} (generated code calls nothing else)
 * @param flops the floating-point operations of the call when it is a product (2 per multiply-add,
 *              as a GEMM's 2·m·n·k), for {@code dlmc profile}'s GFLOP/s; 0 otherwise
 */
public record KernelCall(Class<?> owner, String method, List<Arg> args, long flops) {

    public KernelCall {
        if (!owner.getPackageName().startsWith("dlm.runtime"))
            throw new IllegalArgumentException("a kernel must be in dlm.runtime, not " + owner.getName());
        if (flops < 0) throw new IllegalArgumentException("flops " + flops);
        args = List.copyOf(args);
    }

    public KernelCall(Class<?> owner, String method, List<Arg> args) { this(owner, method, args, 0); }

    /** The same call, counted as a product of {@code flops} operations. */
    public KernelCall withFlops(long flops) { return new KernelCall(owner, method, args, flops); }

    public static KernelCall of(Class<?> owner, String method, Arg... args) { return new KernelCall(owner, method, List.of(args)); }

    /** One argument (or, for arrays with offsets, two parameters) of the call. */
    public sealed interface Arg permits Input, Output, IntArg, BoolArg, Scratch, Absent {}

    /** Input {@code index} of the node: its array and the offset of its first element. */
    public record Input(int index) implements Arg {}

    /** The node's output: its array and the offset of its first element. */
    public record Output() implements Arg {}

    /** An {@code int} constant (a size, a stride, an attribute). */
    public record IntArg(int value) implements Arg {}

    /** A {@code boolean} constant (a mode flag). */
    public record BoolArg(boolean value) implements Arg {}

    /**
     * A work array of at least {@code size} elements of {@code dtype}, private to this call: its
     * contents are undefined on entry and dead after it returns (the memory plan reuses it).
     */
    public record Scratch(DType dtype, int size) implements Arg {
        public Scratch {
            if (size < 0) throw new IllegalArgumentException("scratch size " + size);
        }
    }

    /**
     * An optional array operand the node does not have (conv2d's bias when none is fused): the
     * array parameter of {@code dtype}'s storage type passed as null, and an offset of 0.
     */
    public record Absent(DType dtype) implements Arg {}

    public static Arg input(int index) { return new Input(index); }

    public static Arg output() { return new Output(); }

    public static Arg constant(int value) { return new IntArg(value); }

    public static Arg constant(boolean value) { return new BoolArg(value); }

    public static Arg scratch(DType dtype, int size) { return new Scratch(dtype, size); }

    public static Arg absent(DType dtype) { return new Absent(dtype); }
}
