package dlm.compiler.codegen;

import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceSpan;
import dlm.runtime.Tensor;
import dlm.runtime.exec.CompiledStep;
import dlm.runtime.exec.Failures;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;

/**
 * An instance of a compiled step with its arrays: inputs are written with {@link #setInput} (or
 * bound at instantiation), {@link #run} computes, outputs are read from {@link #output} — tensors
 * over the instance's own arrays, overwritten by the next run (in-place outputs are the bound
 * param and slot tensors themselves).
 */
public final class CompiledGraph {
    private final Compilation compilation;
    private final CompiledStep step;
    private final Map<String, Tensor> externals;
    private final Map<String, Tensor> outputs;

    CompiledGraph(Compilation compilation, CompiledStep step, Map<String, Tensor> externals, Map<String, Tensor> outputs) {
        this.compilation = compilation;
        this.step = step;
        this.externals = externals;
        this.outputs = outputs;
    }

    public Compilation compilation() { return compilation; }

    /** The generated object itself. */
    public CompiledStep step() { return step; }

    /**
     * Runs the step. A failure inside generated code (an integer division by zero, a label out of
     * range) becomes a {@link DlmException} at the node's source line, with the original exception
     * (whose stack trace has the {@code .dlm} frame) as its cause.
     */
    public void run() {
        try {
            step.run();
        } catch (RuntimeException e) {
            StackTraceElement f = Failures.dlmFrame(e);
            SourceSpan span = f == null ? null : compilation.spanAt(f.getMethodName(), f.getLineNumber());
            if (span == null) throw e;
            String msg = e instanceof ArithmeticException && "/ by zero".equals(e.getMessage()) ? "integer division by zero"
                    : e.getMessage() == null ? e.toString() : e.getMessage();
            throw new DlmException(span, msg, e);
        }
    }

    /** An input, param or slot tensor (bound or allocated), by node name. */
    public Tensor external(String name) {
        Tensor t = externals.get(name);
        if (t == null) throw new IllegalArgumentException("no input or param named " + name);
        return t;
    }

    public Map<String, Tensor> externals() { return Collections.unmodifiableMap(externals); }

    /** Copies {@code value} into the input's array (dtype and shape must match). No allocation. */
    public void setInput(String name, Tensor value) {
        Tensor t = external(name);
        if (t.dtype() != value.dtype() || t.rank() != value.rank()) throw mismatch(name, t, value);
        for (int a = 0; a < t.rank(); a++) if (t.dim(a) != value.dim(a)) throw mismatch(name, t, value);
        System.arraycopy(value.storage(), 0, t.storage(), 0, t.size());
    }

    private static IllegalArgumentException mismatch(String name, Tensor t, Tensor v) {
        return new IllegalArgumentException("input '" + name + "' expects " + t.dtype() + Arrays.toString(t.shape()) + ", got "
                + v.dtype() + Arrays.toString(v.shape()));
    }

    /** An output by name: a tensor over this instance's array (valid until the next run). */
    public Tensor output(String name) {
        Tensor t = outputs.get(name);
        if (t == null) throw new IllegalArgumentException("no output named " + name);
        return t;
    }

    public Map<String, Tensor> outputs() { return Collections.unmodifiableMap(outputs); }
}
