package dlm.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.train.CompiledTrainer;
import dlm.compiler.train.TrainGraph;
import dlm.runtime.Tensor;
import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The train block's training options compile into the step like any other ops: a step with a
 * cosine schedule, AdamW with global clipping, an L2 regularizer, class weights and a learning
 * rate set between steps (reduceLrOnPlateau's input) allocates nothing in steady state.
 */
class TrainingOptionsAllocationTest {
    @Test
    void aStepWithEveryTrainingOptionAllocatesNothing() {
        String model = """
                import std.nn.*
                import std.optim.*
                model M(images: u8[batch, 28, 28]) {
                    val x = images.reshape(batch, 784).toF32() / 255f
                    val h = dense(x, units = 32, activation = ::relu, kernelRegularizer = l2(1e-4))
                    return dense(h, units = 10, activation = ::softmax)
                }
                """;
        String[] blocks = {"""
                train(M) {
                    data = mnist()
                    loss = ::sparseCategoricalCrossentropy
                    optimizer = adamw(learningRate = cosineDecay(1e-3, 100, warmupTarget = 2e-3, warmupSteps = 10), globalClipNorm = 1.0)
                    metrics = [::accuracy]
                    classWeight = [1, 2, 1, 1, 1, 1, 1, 1, 1, 3]
                }
                """, """
                train(M) {
                    data = mnist()
                    loss = ::sparseCategoricalCrossentropy
                    optimizer = sgd(clipNorm = 1.0, weightDecay = 0.01)
                    validationSplit = 0.1
                    callbacks = [reduceLrOnPlateau()]
                }
                """};
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int b = 0; b < 2; b++) {
            CheckedProgram p = Frontend.compile("o.dlm", model + blocks[b]);
            TrainGraph tg = TrainGraph.build(p, p.trains().get(0));
            CompiledTrainer t = new CompiledTrainer(tg, ParamStore.initialize(tg.graph, 1));
            Random r = new Random(5);
            Tensor[][] batches = {CompiledTrainerTest.batch(r, 32), CompiledTrainerTest.batch(r, 32), CompiledTrainerTest.batch(r, 32)};
            boolean variable = t.learningRate() != null;
            // warm up until the JIT has compiled the kernels (until then the Vector API boxes its
            // vectors): rounds of 50 steps until one is clean, for at most 60 s on a busy machine
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < deadline) {
                long before = mx.getCurrentThreadAllocatedBytes();
                for (int s = 0; s < 50; s++) step(t, batches[s % 3], variable, s);
                if (mx.getCurrentThreadAllocatedBytes() - before < 4096) break;
            }
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int s = 0; s < 100; s++) step(t, batches[s % 3], variable, s);
            long allocated = mx.getCurrentThreadAllocatedBytes() - before;
            assertTrue(allocated < 4096, "train block " + (b + 1) + ": allocated " + allocated + " bytes in 100 steps");
        }
    }

    private static void step(CompiledTrainer t, Tensor[] batch, boolean variable, int s) {
        if (variable) t.setLearningRate(s % 2 == 0 ? 0.01 : 0.005);
        t.trainStep(batch[0], batch[1]);
    }
}
