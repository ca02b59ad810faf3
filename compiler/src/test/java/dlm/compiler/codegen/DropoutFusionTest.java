package dlm.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.ir.Node;
import dlm.compiler.train.TrainGraph;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Dropout in the compiled train step: its random draws are computed inside the fused loop that
 * makes the mask and scales the activations (no kernel call, no array of uniforms), and the
 * step still plans soundly.
 */
class DropoutFusionTest {

    static Compilation trainStep(String layers) {
        CheckedProgram p = Frontend.compile("t.dlm", """
                import std.nn.*
                model M(images: u8[batch, 28, 28]) {
                    val x = images.reshape(batch, 28 * 28).toF32() / 255f
                    %s
                }
                train(M) { data = mnist(); loss = ::sparseCategoricalCrossentropy; optimizer = adam(); batchSize = 128 }
                """.formatted(layers));
        return Codegen.compile(TrainGraph.build(p, p.trains().get(0)), Codegen.StepKind.TRAIN, 128);
    }

    static List<String> ops(Unit u) { return u.nodes.stream().map(Node::opName).toList(); }

    @Test
    void theMaskAndTheScalingAreOneLoopThatDrawsItsUniforms() {
        Compilation c = trainStep("""
                val hidden = dense(x, units = 512, activation = ::relu)
                return dense(dropout(hidden, 0.3), units = 10, activation = ::softmax)""");
        CodegenTestSupport.assertPlanSound(c);
        List<Unit> draws = c.plan.schedule.stream().filter(u -> ops(u).contains("randomUniform")).toList();
        assertEquals(1, draws.size(), "one step draws the mask: " + draws.stream().map(u -> u.method).toList());
        Unit u = draws.get(0);
        assertTrue(u instanceof Unit.Group, u.method + " is a fused loop, not a kernel call");
        // the uniform draw, the comparison making the mask, the scaling and the selection: one loop
        assertTrue(ops(u).containsAll(List.of("randomUniform", "less", "mul", "where")), u.method + " computes " + ops(u));
        Loop l = u.loops().get(0);
        assertEquals(1, l.vals.stream().filter(v -> v instanceof Loop.RandVal).count());
        // the uniforms are never stored (only the mask, which the backward pass reads, may be)
        assertTrue(l.stores.stream().noneMatch(s -> s.val() instanceof Loop.RandVal), "the uniforms stay in registers");
        assertTrue(c.plan.schedule.stream().noneMatch(x -> x instanceof Unit.Kernel && ops(x).contains("randomUniform")));
    }

    @Test
    void batchNormalizationsElementwiseWorkIsFusedToo() {
        Compilation c = trainStep("""
                val hidden = dense(x, units = 512)
                val normed = relu(batchNormalization(hidden))
                return dense(dropout(normed, 0.3), units = 10, activation = ::softmax)""");
        CodegenTestSupport.assertPlanSound(c);
        // every step method other than the products, the softmax/loss kernels and the sums over the
        // batch (LeadingSum's kernel: the bias's, beta's and gamma's gradients) is a fused loop:
        // batch normalization adds loops (its statistics' reductions and the normalization), no copies
        List<String> others = c.plan.schedule.stream()
                .filter(u -> !(u instanceof Unit.Group || u instanceof Unit.Gemm || u instanceof Unit.Kernel k && k.method.getName().equals("sumLeading")))
                .map(u -> u.method + " " + ops(u)).toList();
        assertTrue(others.stream().allMatch(s -> s.contains("softmax") || s.contains("Softmax")), "only the output's kernels are not loops: " + others);
        // the normalization's scaling (· gamma + beta), the relu, and the dropout after it: one loop
        Unit norm = c.plan.schedule.stream().filter(u -> ops(u).contains("relu")).findFirst().orElseThrow();
        assertTrue(ops(norm).containsAll(List.of("mul", "add", "relu", "randomUniform", "less", "where")), norm.method + " computes " + ops(norm));
    }
}
