package dlm.compiler.ops;

/**
 * A violated type or shape rule, raised by an op's {@link Op#infer} or {@link Op#eval}.
 * It carries no location: whoever applied the op (checker, interpreter) adds the node's span.
 * Messages name both shapes and the rule: "cannot broadcast f32[3] with f32[4]: axis 0 is 3 vs 4".
 */
public class ShapeException extends RuntimeException {
    public ShapeException(String message) { super(message); }
}
