package dlm.compiler.ops;

import dlm.compiler.autodiff.GradBuilder;
import dlm.compiler.ir.Node;
import java.util.List;

/**
 * A vector-Jacobian product given as a table entry, next to the op's forward function
 * (the shared op classes such as {@link BinaryOp} take one per registered op).
 * Same contract as {@link Op#vjp}.
 */
@FunctionalInterface
public interface VjpRule {
    List<Node> apply(Node node, Node cotangent, GradBuilder b);
}
