package dlm.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.diag.DlmException;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Node;
import dlm.compiler.train.ShardedTrainer;
import dlm.compiler.train.TrainGraph;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Training on Spark in {@code local[2]} (two task threads, tasks serialized as to a cluster) ends
 * with the weights of {@code --shards K} on one machine, bit for bit; an executor that compiles
 * other bytecode than the driver is refused with a clear error.
 */
class SparkTrainingTest {
    static final String SOURCE = """
            import std.nn.*
            model M(images: u8[batch, 28, 28]) {
                val x = images.reshape(batch, 28 * 28).toF32() / 255f
                val hidden = dense(x, units = 32, activation = ::relu)
                return dense(hidden, units = 10, activation = ::softmax)
            }
            train(M) { data = mnist(); loss = ::sparseCategoricalCrossentropy
                       optimizer = adam(learningRate = 1e-3); metrics = [::accuracy]; batchSize = 24 }
            """;

    private static JavaSparkContext jsc;

    @BeforeAll
    static void start() { jsc = new JavaSparkContext(SparkBackend.conf("local[2]")); }

    @AfterAll
    static void stop() { if (jsc != null) jsc.stop(); }

    @Test
    void localTwoEndsWithTheWeightsOfShardsOnOneMachine() {
        for (int shards : new int[] {4, 3}) {
            List<float[]> one = train(SOURCE, SOURCE, shards, false);
            List<float[]> spark = train(SOURCE, SOURCE, shards, true);
            for (int i = 0; i < one.size(); i++) assertArrayEquals(one.get(i), spark.get(i), "weight " + i + " with " + shards + " shards");
        }
    }

    @Test
    void anExecutorThatCompilesOtherBytecodeIsRefused() {
        String other = SOURCE.replace("activation = ::relu", "activation = ::tanh");
        DlmException e = assertThrows(DlmException.class, () -> train(SOURCE, other, 2, true));
        assertTrue(e.getMessage().contains("compiled a different gradient step") && e.getMessage().contains("same dlm-spark jar"), e.getMessage());
    }

    /** The weights after two epochs over 100 synthetic digits in batches of 24 (a last batch of 4). */
    static List<float[]> train(String driverSource, String executorSource, int shards, boolean spark) {
        CheckedProgram p = Frontend.compile("m.dlm", driverSource);
        TrainGraph tg = TrainGraph.build(p, p.trains().get(0));
        ParamStore params = ParamStore.initialize(tg.graph, 3);
        ShardedTrainer t = spark
                ? new ShardedTrainer(tg, params, shards, new SparkGradients(jsc, ProgramSource.of("m.dlm", executorSource), tg, params))
                : new ShardedTrainer(tg, params, shards);
        t.randomSeed(3);
        int n = 100;
        Tensor images = Tensor.zeros(DType.U8, n, 28, 28), labels = Tensor.zeros(DType.U8, n);
        for (int i = 0; i < images.size(); i++) images.setDouble(i, (i * 2654435761L >>> 7) % 256);
        for (int i = 0; i < n; i++) labels.setDouble(i, (i * 7) % 10);
        for (int epoch = 0; epoch < 2; epoch++)
            for (int lo = 0; lo < n; lo += 24) {
                int rows = Math.min(24, n - lo);
                Tensor bx = Tensor.zeros(DType.U8, rows, 28, 28), by = Tensor.zeros(DType.U8, rows);
                System.arraycopy(images.storage(), lo * 784, bx.storage(), 0, rows * 784);
                System.arraycopy(labels.storage(), lo, by.storage(), 0, rows);
                t.trainStep(bx, by);
            }
        List<float[]> out = new ArrayList<>();
        for (Node w : tg.weights()) out.add(params.get(w.name()).f32Storage().clone());
        return out;
    }
}
