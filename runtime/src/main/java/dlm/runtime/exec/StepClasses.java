package dlm.runtime.exec;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Defines generated step classes and instantiates them.
 *
 * <p>By default a class is a <em>hidden class</em> defined in this package's lookup, so it can be
 * unloaded with its instances and needs no class loader of its own; its name must therefore be in
 * package {@code dlm.runtime.exec}. HotSpot leaves the frames of hidden classes out of stack traces
 * (unless {@code -XX:+UnlockDiagnosticVMOptions -XX:+ShowHiddenFrames}), so generated code also
 * reports its {@code .dlm} location through {@link Failures}. {@link #defineInLoader} defines an
 * ordinary class in a fresh class loader instead, whose frames (file and line from the class's
 * {@code SourceFile} and {@code LineNumberTable}) appear in stack traces as they are.
 */
public final class StepClasses {
    private StepClasses() {}

    /** The package generated classes are named in, in internal form. */
    public static final String PACKAGE = "dlm/runtime/exec/";

    /** Defines a hidden class (strongly reachable only through its instances and Class object). */
    public static Class<?> defineHidden(byte[] classBytes) {
        return defineHiddenLookup(classBytes).lookupClass();
    }

    /**
     * Defines a hidden class and returns the full-privilege lookup on it (the only way to reach its
     * private methods, e.g. to time its steps one by one).
     */
    public static MethodHandles.Lookup defineHiddenLookup(byte[] classBytes) {
        try {
            return MethodHandles.lookup().defineHiddenClass(classBytes, true);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A lookup with private access on a class {@link #defineInLoader} defined. */
    public static MethodHandles.Lookup privateLookup(Class<?> stepClass) {
        try {
            return MethodHandles.privateLookupIn(stepClass, MethodHandles.lookup());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Defines an ordinary class in its own class loader (for debugging: real stack frames). */
    public static Class<?> defineInLoader(byte[] classBytes, String binaryName) {
        return new Loader(StepClasses.class.getClassLoader()).define(binaryName, classBytes);
    }

    /** A new instance over the given arrays (see {@link CompiledStep} for their order). */
    public static CompiledStep instantiate(Class<?> stepClass, Object[] buffers) {
        try {
            MethodHandle ctor = MethodHandles.lookup().findConstructor(stepClass, MethodType.methodType(void.class, Object[].class));
            return (CompiledStep) ctor.invoke((Object) buffers);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot instantiate " + stepClass.getName(), t);
        }
    }

    private static final class Loader extends ClassLoader {
        Loader(ClassLoader parent) { super(parent); }

        Class<?> define(String name, byte[] b) { return defineClass(name, b, 0, b.length); }
    }
}
