package dlm.compiler.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.check.Value;
import dlm.compiler.interp.ParamStore;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.train.EpochResult;
import dlm.runtime.train.TrainLoop;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Local SGD ({@code --shards K --sync-every k}) on one machine: one replica is the sharded step
 * bit for bit; with plain SGD and shards of equal size, replicas averaged after every step are
 * gradient averaging up to rounding (w − lr·(g₁+g₂)/2 either way; the replicas weigh the same
 * whatever their rows); the period takes effect; a batch shorter than K leaves a
 * replica without rows unchanged for that step.
 */
class LocalSgdTest {
    private static final String MLP = """
            import std.nn.*
            model M(x: f32[batch, 6]) {
                val h = dense(x, units = 16, activation = ::relu)
                return dense(h, units = 3, activation = ::softmax)
            }
            val adamOpt = adam(learningRate = 0.01)
            val plainSgd = sgd(learningRate = 0.1)
            """;

    @Test
    void oneReplicaIsTheShardedStepBitForBit() {
        Run plain = train("adamOpt", 1, 0, 8), local = train("adamOpt", 1, 3, 8);
        plain.assertSame(local);
    }

    @Test
    void averagingAfterEveryStepIsGradientAveragingUpToRoundingWithPlainSgd() {
        // 40 rows in batches of 8: every shard has 4 rows, so the replicas weigh what the shards' gradients weigh
        Run averaged = train("plainSgd", 2, 0, 8, 40), local = train("plainSgd", 2, 1, 8, 40);
        boolean differs = false;
        for (int i = 0; i < averaged.state.size(); i++)
            for (int j = 0; j < averaged.state.get(i).length; j++) {
                float a = averaged.state.get(i)[j], b = local.state.get(i)[j];
                assertEquals(a, b, 1e-5 + 1e-5 * Math.abs(a), "weight " + i + "[" + j + "]");
                differs |= a != b;
            }
        assertEquals(true, differs, "rounding differs somewhere: the replicas stepped apart");
        for (int e = 0; e < 3; e++) assertEquals(averaged.history.get(e).loss(), local.history.get(e).loss(), 1e-5);
    }

    @Test
    void thePeriodTakesEffectAndEveryRunIsDeterministic() {
        Run two = train("adamOpt", 4, 2, 8), three = train("adamOpt", 4, 3, 8);
        two.assertSame(train("adamOpt", 4, 2, 8));
        assertFalse(Arrays.equals(two.state.get(0), three.state.get(0)), "--sync-every 2 and 3 train differently");
        assertFalse(Arrays.equals(two.state.get(0), train("adamOpt", 4, 0, 8).state.get(0)), "local SGD is not gradient averaging");
        // batches of 3 rows in 4 shards: one replica a step has no rows and does not step
        Run short3 = train("adamOpt", 4, 2, 3);
        for (float[] w : short3.state) for (float v : w) assertEquals(true, Float.isFinite(v));
        assertThrows(IllegalArgumentException.class, () -> train("adamOpt", 2, -1, 8));
    }

    /** The state (weights, then slots) after training, the step count and each epoch's results. */
    record Run(List<float[]> state, long step, List<EpochResult> history) {
        void assertSame(Run o) {
            assertEquals(step, o.step);
            for (int i = 0; i < state.size(); i++) assertArrayEquals(state.get(i), o.state.get(i), "weight or slot " + i);
            for (int e = 0; e < history.size(); e++) {
                assertEquals(history.get(e).loss(), o.history.get(e).loss(), "epoch " + (e + 1));
                assertEquals(history.get(e).metrics(), o.history.get(e).metrics(), "epoch " + (e + 1));
            }
        }
    }

    /** Three epochs over {@code n} rows (37 unless given) in batches of {@code batch}, K shards, local SGD every {@code syncEvery} steps (0: off). */
    static Run train(String opt, int shards, int syncEvery, int batch) { return train(opt, shards, syncEvery, batch, 37); }

    static Run train(String opt, int shards, int syncEvery, int batch, int n) {
        CheckedProgram p = Frontend.compile("t.dlm", MLP);
        Value.FunV loss = (Value.FunV) p.scope().lookup("sparseCategoricalCrossentropy"), acc = (Value.FunV) p.scope().lookup("accuracy");
        TrainGraph tg = TrainGraph.build(p, new TrainGraph.Spec(p.models().get("M").decl(), loss, List.of(acc), (Value.ConfigV) p.scope().lookup(opt), DType.U8, p.ast().span()));
        ParamStore params = ParamStore.initialize(tg.graph, 7);
        ShardedTrainer t = new ShardedTrainer(tg, params, shards, syncEvery, ShardedTrainer.local(tg, params));
        t.randomSeed(7);
        Tensor x = Tensor.zeros(DType.F32, n, 6), y = Tensor.zeros(DType.U8, n);
        for (int i = 0; i < x.size(); i++) x.setDouble(i, Math.sin(0.37 * i + 0.1) * 2);
        for (int i = 0; i < n; i++) y.setDouble(i, (i * 7 + i / 3) % 3);
        List<EpochResult> history = TrainLoop.fit(t, x, y, 3, batch, 7, 1, null, null);
        List<float[]> state = new ArrayList<>();
        for (var w : tg.weights()) state.add(params.get(w.name()).f32Storage().clone());
        t.slots().values().forEach(l -> l.forEach(s -> state.add(s.f32Storage().clone())));
        return new Run(state, t.step(), history);
    }
}
