package dlm.compiler.codegen;

import dlm.compiler.Frontend;
import dlm.compiler.autodiff.Autodiff;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * std.nn's losses at extreme logits, compiled (the train step's path, with the fused softmax
 * crossentropy) against the reference interpreter, whose values dlm.compiler.check.StdlibTest
 * checks against closed forms: finite losses and the exact gradients softmax(z) − y and σ(z) − y.
 */
class LossesCompiledTest {
    private static void check(String loss, String labelType, Tensor labels) {
        var p = Frontend.compile("l.dlm", """
                import std.nn.*
                model L(z: f32[2, 3], y: %s) {
                    loss = %s
                }
                """.formatted(labelType, loss));
        Graph g = p.models().get("L").graph();
        Node z = g.inputs().stream().filter(n -> n.name().equals("z")).findFirst().orElseThrow();
        Node l = g.output("loss");
        g.setOutput("dz", Autodiff.grad(g, l, List.of(z), l.span()).get(0));
        Tensor zs = Tensor.of(DType.F32, new int[] {2, 3}, 100, -100, 0, -50, 50, 20);
        CodegenTestSupport.check(g, Map.of("z", zs, "y", labels)); // every output, exactly
    }

    @Test
    void sparseCategoricalCrossentropyOfASoftmax() {
        check("sparseCategoricalCrossentropy(y, softmax(z))", "i32[2]", Tensor.of(DType.I32, new int[] {2}, 1, 0));
    }

    @Test
    void categoricalCrossentropyOfASoftmax() {
        check("categoricalCrossentropy(y, softmax(z))", "f32[2, 3]", Tensor.of(DType.F32, new int[] {2, 3}, 0, 1, 0, 0.5, 0, 0.5));
    }

    @Test
    void binaryCrossentropyOfASigmoid() {
        check("binaryCrossentropy(y, sigmoid(z))", "f32[2, 3]", Tensor.of(DType.F32, new int[] {2, 3}, 0, 0, 1, 1, 1, 0));
    }
}
