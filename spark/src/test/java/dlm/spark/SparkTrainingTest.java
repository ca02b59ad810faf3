package dlm.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.diag.DlmException;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.train.ShardedTrainer;
import dlm.compiler.train.TrainGraph;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.train.EpochResult;
import dlm.runtime.train.TrainLoop;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Training on Spark in {@code local[2]} (two ranks of a barrier stage an epoch, exchanging
 * gradients over loopback sockets) ends with the state of {@code --shards K} on one machine, bit
 * for bit, with each epoch's loss and metrics; a rank that compiles other bytecode than the
 * driver is refused with a clear error; a stage that fails mid-epoch is re-run from rank 0's
 * latest snapshot and still ends with the same bits.
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
    static void start() {
        jsc = new JavaSparkContext(SparkBackend.conf("local[2]").set(SparkEpochs.SNAPSHOT_EVERY, "2"));
    }

    @AfterAll
    static void stop() { if (jsc != null) jsc.stop(); }

    @Test
    void localTwoEndsWithTheStateOfShardsOnOneMachine() {
        for (int shards : new int[] {4, 3}) {
            Run one = train(SOURCE, SOURCE, shards, null);
            SparkEpochs[] spark = new SparkEpochs[1];
            Run cluster = train(SOURCE, SOURCE, shards, (tg, params) -> spark[0] = new SparkEpochs(jsc, ProgramSource.of("m.dlm", SOURCE), tg, params, shards));
            one.assertSameAs(cluster, shards + " shards");
            assertEquals(2, spark[0].ranks(), "two ranks with " + shards + " shards");
            assertEquals(List.of(0, 0), spark[0].resumedFrom());
        }
    }

    @Test
    void dropoutDrawsTheSameOnTheRanksAsOnOneMachine() {
        String dropout = SOURCE.replace("val hidden = dense(x, units = 32, activation = ::relu)", "val hidden = dropout(dense(x, units = 32, activation = ::relu), rate = 0.3)");
        Run one = train(dropout, 4, 0, null);
        Run cluster = train(dropout, 4, 0, (tg, params) -> new SparkEpochs(jsc, ProgramSource.of("m.dlm", dropout), tg, params, 4));
        one.assertSameAs(cluster, "dropout");
    }

    @Test
    void localSgdOnLocalTwoEndsWithTheStateOfOneMachine() {
        for (int[] c : new int[][] {{4, 2}, {3, 3}}) {
            int shards = c[0], every = c[1];
            Run one = train(SOURCE, shards, every, null);
            Run cluster = train(SOURCE, shards, every, (tg, params) -> new SparkEpochs(jsc, ProgramSource.of("m.dlm", SOURCE), tg, params, shards, every));
            one.assertSameAs(cluster, shards + " shards, --sync-every " + every);
        }
    }

    @Test
    void aStageThatFailsMidEpochResumesFromRankZerosSnapshot() {
        Run one = train(SOURCE, SOURCE, 4, null);
        SparkEpochs[] spark = new SparkEpochs[1];
        // rank 1 fails before step 4 (0-based 3) of epoch 2 in the stage's first attempt; rank 0 wrote a snapshot after step 2
        System.setProperty(RankTask.FAIL_PROPERTY, "2:3");
        Run cluster;
        try {
            cluster = train(SOURCE, SOURCE, 4, (tg, params) -> spark[0] = new SparkEpochs(jsc, ProgramSource.of("m.dlm", SOURCE), tg, params, 4));
        } finally {
            System.clearProperty(RankTask.FAIL_PROPERTY);
        }
        one.assertSameAs(cluster, "after a failed attempt");
        assertEquals(List.of(0, 2), spark[0].resumedFrom());
    }

    @Test
    void anExecutorThatCompilesOtherBytecodeIsRefused() {
        String other = SOURCE.replace("activation = ::relu", "activation = ::tanh");
        DlmException e = assertThrows(DlmException.class,
                () -> train(SOURCE, other, 2, (tg, params) -> new SparkEpochs(jsc, ProgramSource.of("m.dlm", other), tg, params, 2)));
        assertEquals(true, e.getMessage().matches("(?s).*executor \\d+@.*, executor driver compiled a different gradient step for shards of 2 rows than the driver"
                + " \\(SHA-256 [0-9a-f]{12} vs [0-9a-f]{12}\\): the executors run another program, compiler or standard library;"
                + " give every JVM the same dlm-spark jar and \\.dlm file.*"), e.getMessage());
    }

    /** The state after training, and each epoch's loss and metrics. */
    record Run(List<float[]> state, long step, List<EpochResult> history) {
        void assertSameAs(Run o, String what) {
            assertEquals(step, o.step, what + ": steps");
            assertEquals(state.size(), o.state.size());
            for (int i = 0; i < state.size(); i++) assertArrayEquals(state.get(i), o.state.get(i), what + ": weight or slot " + i);
            for (int e = 0; e < history.size(); e++) {
                assertEquals(history.get(e).loss(), o.history.get(e).loss(), what + ": epoch " + (e + 1) + "'s loss");
                assertEquals(history.get(e).metrics(), o.history.get(e).metrics(), what + ": epoch " + (e + 1) + "'s metrics");
            }
        }
    }

    interface Cluster {
        ShardedTrainer.Gradients open(TrainGraph tg, ParamStore params);
    }

    /** Two epochs over 100 synthetic digits in batches of 24 (a last batch of 4), on one machine ({@code cluster} null) or a cluster. */
    static Run train(String driverSource, String executorSource, int shards, Cluster cluster) { return train(driverSource, shards, 0, cluster); }

    /** As above, with local SGD every {@code syncEvery} steps (0: off). */
    static Run train(String driverSource, int shards, int syncEvery, Cluster cluster) {
        CheckedProgram p = Frontend.compile("m.dlm", driverSource);
        TrainGraph tg = TrainGraph.build(p, p.trains().get(0));
        ParamStore params = ParamStore.initialize(tg.graph, 3);
        ShardedTrainer t = new ShardedTrainer(tg, params, shards, syncEvery, cluster == null ? ShardedTrainer.local(tg, params) : cluster.open(tg, params));
        t.randomSeed(3);
        int n = 100;
        Tensor images = Tensor.zeros(DType.U8, n, 28, 28), labels = Tensor.zeros(DType.U8, n);
        for (int i = 0; i < images.size(); i++) images.setDouble(i, (i * 2654435761L >>> 7) % 256);
        for (int i = 0; i < n; i++) labels.setDouble(i, (i * 7) % 10);
        List<EpochResult> history = TrainLoop.fit(t, images, labels, 2, 24, 3, 1, null, null);
        List<float[]> state = new java.util.ArrayList<>();
        for (var w : tg.weights()) state.add(params.get(w.name()).f32Storage().clone());
        t.slots().values().forEach(l -> l.forEach(s -> state.add(s.f32Storage().clone())));
        return new Run(state, t.step(), history);
    }
}
