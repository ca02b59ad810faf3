package dlm.compiler.onnx;

import dlm.compiler.ir.Node;
import java.util.List;

/**
 * How one DLM op is written in ONNX: the nodes computing {@code node}'s value from the ONNX
 * values of its inputs ({@code in}, in input order), returning the name of the value that holds
 * the result (of {@code node}'s dtype and shape).
 */
@FunctionalInterface
public interface OnnxMapping {
    String emit(Node node, List<String> in, OnnxGraphBuilder b);

    /**
     * An op that has a mapping, applied with attributes or types the mapping cannot express
     * (a reshape to two symbolic dims, a pad with interior padding); the exporter reports it at
     * the node's source.
     */
    final class Unsupported extends RuntimeException {
        public Unsupported(String message) { super(message, null, false, false); }
    }
}
