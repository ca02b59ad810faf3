package dlm.runtime.exec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Puts the model source into the stack traces of failures in generated code.
 *
 * <p>Each node's code in a generated method is covered by an exception handler that calls
 * {@link #located} with the node's {@code .dlm} file and line and rethrows the same exception.
 * Hidden-class frames are not recorded in stack traces, so this inserts the frame that would
 * have been there: {@code at <class>.<method>(mnist.dlm:7)}, between the frames of whatever
 * threw (a kernel, or nothing for an {@code idiv}) and the caller of the generated step.
 */
public final class Failures {
    private Failures() {}

    /** Adds the frame {@code className.method(file:line)} to {@code t}'s stack trace (once) and returns t. */
    public static Throwable located(Throwable t, String className, String method, String file, int line) {
        StackTraceElement frame = new StackTraceElement(className, method, file, line);
        StackTraceElement[] trace = t.getStackTrace();
        for (StackTraceElement e : trace) if (e.equals(frame)) return t;
        // The frames below the generated code: those this handler's own caller chain has too.
        StackTraceElement[] here = new Throwable().getStackTrace();
        int common = 0;
        while (common < trace.length && common < here.length - 1
                && trace[trace.length - 1 - common].equals(here[here.length - 1 - common])) common++;
        int at = trace.length - common;
        List<StackTraceElement> out = new ArrayList<>(Arrays.asList(trace));
        out.add(at, frame);
        t.setStackTrace(out.toArray(new StackTraceElement[0]));
        return t;
    }

    /** The first frame of {@code t} in a {@code .dlm} file, or null. */
    public static StackTraceElement dlmFrame(Throwable t) {
        for (StackTraceElement e : t.getStackTrace())
            if (e.getFileName() != null && e.getFileName().endsWith(".dlm")) return e;
        return null;
    }
}
