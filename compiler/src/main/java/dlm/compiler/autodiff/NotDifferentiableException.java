package dlm.compiler.autodiff;

/**
 * Thrown by {@link dlm.compiler.ops.Op#vjp} for ops that have no derivative (the interface's
 * default). The differentiator only asks ops on floating-point paths, so it turns this into a
 * located error rather than letting it escape.
 */
public class NotDifferentiableException extends RuntimeException {
    private final String op;

    public NotDifferentiableException(String op) {
        super("'" + op + "' is not differentiable");
        this.op = op;
    }

    /** The op's registry name. */
    public String op() { return op; }
}
