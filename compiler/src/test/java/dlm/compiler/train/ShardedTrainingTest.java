package dlm.compiler.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.check.Value;
import dlm.compiler.diag.DlmException;
import dlm.compiler.interp.ParamStore;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.kernels.KernelPool;
import dlm.runtime.train.TreeSum;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Data-parallel training on one machine ({@code --shards K}): the fixed tree sum, one shard equal
 * bit for bit to the one-step train step, K shards independent of the thread count and equal to
 * the batch's gradient up to rounding, batches shorter than K, and what is refused.
 */
class ShardedTrainingTest {
    private static final String MLP = """
            import std.nn.*
            model M(x: f32[batch, 6]) {
                val h = dense(x, units = 16, activation = ::relu)
                return dense(h, units = 3, activation = ::softmax)
            }
            val adamOpt = adam(learningRate = 0.01, weightDecay = 0.01)
            val sgdOpt = sgd(learningRate = 0.1, momentum = 0.9, clipNorm = 1.0)
            """;

    @Test
    void treeSumAddsInTheFixedPairwiseTree() {
        // three leaves: a + (b + c); adding left to right would give 0
        float[] out = new float[1];
        TreeSum.sumInto(new float[][] {{1f}, {1e8f}, {-1e8f}}, out);
        assertEquals(1f, out[0]);
        // four leaves: (a + b) + (c + d)
        TreeSum.sumInto(new float[][] {{1e8f}, {-1e8f}, {1f}, {1e-8f}}, out);
        assertEquals(1f + 1e-8f, out[0]);
        TreeSum.sumInto(new float[][] {{1e8f}, {1f}, {-1e8f}, {1f}}, out);
        assertEquals(0f, out[0]); // (1e8 + 1) + (-1e8 + 1); left to right would give 1
        // one leaf: itself
        TreeSum.sumInto(new float[][] {{-0.3f, 7f}}, out = new float[2]);
        assertArrayEquals(new float[] {-0.3f, 7f}, out);
        assertThrows(IllegalArgumentException.class, () -> TreeSum.sumInto(new float[][] {{1f}, {1f, 2f}}, new float[1]));
        // shards of 10 rows in 4: 2, 3, 2, 3 rows
        int[] starts = new int[5];
        for (int k = 0; k <= 4; k++) starts[k] = TreeSum.shardStart(10, 4, k);
        assertArrayEquals(new int[] {0, 2, 5, 7, 10}, starts);
        assertEquals(1f, TreeSum.shardScale(8, 8));
        assertEquals(0.25f, TreeSum.shardScale(2, 8));
    }

    @Test
    void oneShardIsTheOneStepTrainStepBitForBit() {
        for (String opt : List.of("adamOpt", "sgdOpt")) {
            Run plain = train(MLP, opt, 0, 1);
            Run one = train(MLP, opt, 1, 1);
            assertArrayEquals(plain.losses, one.losses, opt);
            for (int i = 0; i < plain.weights.size(); i++) assertArrayEquals(plain.weights.get(i), one.weights.get(i), opt);
        }
    }

    @Test
    void fourShardsDoNotDependOnTheThreadCountAndMatchTheBatchGradient() {
        Run one = train(MLP, "adamOpt", 4, 1);
        Run two = train(MLP, "adamOpt", 4, 2);
        assertArrayEquals(one.losses, two.losses);
        for (int i = 0; i < one.weights.size(); i++) assertArrayEquals(one.weights.get(i), two.weights.get(i));
        // the shards' scaled gradients sum to the batch mean: the same training up to rounding
        Run batch = train(MLP, "adamOpt", 1, 2);
        boolean differs = false;
        for (int i = 0; i < batch.weights.size(); i++)
            for (int j = 0; j < batch.weights.get(i).length; j++) {
                float a = batch.weights.get(i)[j], b = one.weights.get(i)[j];
                assertEquals(a, b, 1e-4 + 1e-4 * Math.abs(a), "weight " + i + "[" + j + "]");
                differs |= a != b;
            }
        assertTrue(differs, "rounding differs somewhere: else the shards were not really computed apart");
        for (int s = 0; s < batch.losses.length; s++) assertEquals(batch.losses[s], one.losses[s], 1e-5);
    }

    @Test
    void aBatchShorterThanTheShardCountLeavesShardsEmpty() {
        // batches of 3 rows in 4 shards: one shard has none and adds zero
        Run four = train(MLP, "sgdOpt", 4, 1, 3);
        Run one = train(MLP, "sgdOpt", 1, 1, 3);
        for (int i = 0; i < one.weights.size(); i++)
            for (int j = 0; j < one.weights.get(i).length; j++) assertEquals(one.weights.get(i)[j], four.weights.get(i)[j], 1e-5);
        for (int s = 0; s < one.losses.length; s++) assertEquals(one.losses[s], four.losses[s], 1e-6);
    }

    @Test
    void randomDrawsComeFromEachShardsOwnStream() {
        String dropout = MLP.replace("val h = dense(x, units = 16, activation = ::relu)", "val h = dropout(dense(x, units = 16, activation = ::relu), rate = 0.5)");
        // one shard draws what the one-step trainer draws
        Run plain = train(dropout, "sgdOpt", 0, 1), one = train(dropout, "sgdOpt", 1, 1);
        assertArrayEquals(plain.losses, one.losses);
        for (int i = 0; i < plain.weights.size(); i++) assertArrayEquals(plain.weights.get(i), one.weights.get(i));
        // two shards: deterministic whatever the thread count, and the shards do not draw the same masks
        Run two = train(dropout, "sgdOpt", 2, 1), twoAgain = train(dropout, "sgdOpt", 2, 2);
        assertArrayEquals(two.losses, twoAgain.losses);
        for (int i = 0; i < two.weights.size(); i++) assertArrayEquals(two.weights.get(i), twoAgain.weights.get(i));
        assertNotEquals(ShardGradientStep.shardSeed(7, 0, 2), ShardGradientStep.shardSeed(7, 1, 2));
        assertEquals(7, ShardGradientStep.shardSeed(7, 0, 1));
        assertTrue(java.util.Arrays.stream(two.losses).allMatch(Double::isFinite));
    }

    @Test
    void stateUpdatesAreRefusedAtTheirPlaceForMoreThanOneShard() {
        DlmException e;
        String bn = MLP.replace("val h = dense(x, units = 16, activation = ::relu)", "val h = batchNormalization(dense(x, units = 16, activation = ::relu))");
        e = assertThrows(DlmException.class, () -> train(bn, "sgdOpt", 3, 1));
        assertTrue(e.getMessage().contains("state") && e.getMessage().contains("--shards 3"), e.getMessage());
        assertNotEquals(0, e.span().line());
        assertThrows(IllegalArgumentException.class, () -> train(MLP, "sgdOpt", -1, 1));
    }

    /** Losses per step and the weights after training (params then states). */
    record Run(double[] losses, List<float[]> weights) {}

    private static Run train(String source, String opt, int shards, int threads) { return train(source, opt, shards, threads, 8); }

    /**
     * Three epochs over 37 rows in batches of {@code batch} (a shorter last batch), with the
     * one-step compiled trainer ({@code shards} 0) or a {@link ShardedTrainer}.
     */
    private static Run train(String source, String opt, int shards, int threads, int batch) {
        int old = KernelPool.setThreads(threads);
        try {
            CheckedProgram p = Frontend.compile("t.dlm", source);
            Value.FunV loss = (Value.FunV) p.scope().lookup("sparseCategoricalCrossentropy"), acc = (Value.FunV) p.scope().lookup("accuracy");
            TrainGraph tg = TrainGraph.build(p, new TrainGraph.Spec(p.models().get("M").decl(), loss, List.of(acc), (Value.ConfigV) p.scope().lookup(opt), DType.U8, p.ast().span()));
            ParamStore params = ParamStore.initialize(tg.graph, 7);
            Trainer t = shards == 0 ? new CompiledTrainer(tg, params) : new ShardedTrainer(tg, params, shards);
            t.randomSeed(7);
            int n = 37;
            Tensor x = Tensor.zeros(DType.F32, n, 6), y = Tensor.zeros(DType.U8, n);
            for (int i = 0; i < x.size(); i++) x.setDouble(i, Math.sin(0.37 * i + 0.1) * 2);
            for (int i = 0; i < n; i++) y.setDouble(i, (i * 7 + i / 3) % 3);
            List<Double> losses = new ArrayList<>();
            for (int epoch = 0; epoch < 3; epoch++)
                for (int lo = 0; lo < n; lo += batch) {
                    int rows = Math.min(batch, n - lo);
                    Tensor bx = Tensor.zeros(DType.F32, rows, 6), by = Tensor.zeros(DType.U8, rows);
                    System.arraycopy(x.storage(), lo * 6, bx.storage(), 0, rows * 6);
                    System.arraycopy(y.storage(), lo, by.storage(), 0, rows);
                    double[] r = t.trainStep(bx, by);
                    losses.add(r[0]);
                    losses.add(r[1]);
                }
            List<float[]> weights = new ArrayList<>();
            for (var w : tg.weights()) weights.add(params.get(w.name()).f32Storage().clone());
            return new Run(losses.stream().mapToDouble(Double::doubleValue).toArray(), weights);
        } finally {
            KernelPool.setThreads(old);
        }
    }
}
