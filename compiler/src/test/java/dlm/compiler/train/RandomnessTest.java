package dlm.compiler.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.check.Value;
import dlm.compiler.codegen.Codegen;
import dlm.compiler.diag.DlmException;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.kernels.KernelPool;
import dlm.runtime.random.Philox;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Run-time randomness ({@code randomUniform}, {@code randomNormal}, {@code bernoulli}), the
 * training flag and constructors with symbolic dims, through both trainers: exact values against
 * {@link Philox}, compiled vs interpreted bit for bit, thread-count independence, and errors.
 */
class RandomnessTest {

    /**
     * A train graph of model M (input x: f32[batch, 4]) trained with SGD on the mean square of
     * its output (whatever its shape: the labels are not used).
     */
    static TrainGraph graph(String body) {
        CheckedProgram p = Frontend.compile("t.dlm", """
                import std.nn.*
                model M(x: f32[batch, 4]) {
                %s
                }
                val opt = sgd(learningRate = 0.1)
                fun meanSquare(yTrue: Tensor, yPred: Tensor): f32 = mean(square(yPred))
                """.formatted(body));
        Value.ConfigV opt = (Value.ConfigV) p.scope().lookup("opt");
        Value.FunV mse = (Value.FunV) p.scope().lookup("meanSquare");
        return TrainGraph.build(p, new TrainGraph.Spec(p.models().get("M").decl(), mse, List.of(), opt, DType.F32, p.ast().span()));
    }

    static Trainer trainer(TrainGraph tg, boolean compiled, long seed) {
        ParamStore params = ParamStore.initialize(tg.graph, 0);
        Trainer t = compiled ? new CompiledTrainer(tg, params) : new InterpretedTrainer(tg, params);
        t.randomSeed(seed);
        return t;
    }

    static Tensor x(int batch) {
        Tensor t = Tensor.zeros(DType.F32, batch, 4);
        for (int i = 0; i < t.size(); i++) t.setDouble(i, 0.25 * (i % 7) - 0.5);
        return t;
    }

    /** The model's output in a predict step after {@code step} train steps, on one backend. */
    static float[] predict(TrainGraph tg, boolean compiled, long seed, long step, int batch) {
        Trainer t = trainer(tg, compiled, seed);
        t.restore(step, Map.of());
        return t.predict(x(batch)).f32Storage();
    }

    /** The stream number of the only random node of the graph. */
    static int stream(Graph g) {
        Node r = g.nodes().stream().filter(n -> n.is("randomUniform") || n.is("randomNormal")).findFirst().orElseThrow();
        return r.attrs().getInt("stream");
    }

    @Test
    void uniformIsPhiloxScaledAndTheSameCompiledOrInterpreted() {
        TrainGraph tg = graph("return x * 0f + randomUniform(batch, 4, min = -1, max = 2)");
        int stream = stream(tg.graph);
        float[] want = new float[12];
        Philox.uniform(new long[] {7}, 0, new long[] {3}, 0, want, 0, new int[4], 12, stream);
        for (int i = 0; i < want.length; i++) want[i] = want[i] * 3f + -1f;
        for (boolean compiled : new boolean[] {false, true}) {
            float[] got = predict(tg, compiled, 7, 3, 3);
            for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i] == 0 ? 0 : got[i], "element " + i + (compiled ? " compiled" : " interpreted"));
            for (float v : got) assertTrue(v >= -1 && v < 2);
        }
    }

    @Test
    void symbolicDimsGrowWithTheBatchAndKeepAPrefix() {
        TrainGraph tg = graph("return x + randomNormal(batch, 4, mean = 1, stddev = 0.5)");
        float[] small = predict(tg, true, 1, 1, 2), big = predict(tg, true, 1, 1, 5);
        assertEquals(8, small.length);
        assertEquals(20, big.length);
        for (int i = 0; i < small.length; i++) assertEquals(small[i], big[i]);
        assertArrayEquals(big, predict(tg, false, 1, 1, 5));
    }

    @Test
    void seedsStepsAndCallSitesGiveDifferentValues() {
        TrainGraph tg = graph("return randomUniform(batch, 4) + x * 0f");
        float[] a = predict(tg, true, 1, 1, 2);
        assertArrayEquals(a, predict(tg, true, 1, 1, 2));
        assertNotEquals(a[0], predict(tg, true, 2, 1, 2)[0]);
        assertNotEquals(a[0], predict(tg, true, 1, 2, 2)[0]);
        TrainGraph two = graph("val a = randomUniform(batch, 4)\n val b = randomUniform(batch, 4)\n return a - b + x * 0f");
        for (float v : predict(two, true, 1, 1, 2)) assertNotEquals(0f, v);
        List<Node> rs = two.graph.nodesOf("randomUniform");
        assertEquals(2, rs.size());
        assertEquals(Philox.stream("randomUniform"), rs.get(0).attrs().getInt("stream"));
        assertEquals(Philox.stream("randomUniform_1"), rs.get(1).attrs().getInt("stream"));
    }

    @Test
    void eachTrainStepDrawsNewValuesAndBothBackendsTrainAlike() {
        TrainGraph tg = graph("param w: f32[4] = ones()\n return sum(x * w * bernoulli(0.5, batch, 4), axis = 1)");
        double[][] losses = new double[2][4];
        float[][] ws = new float[2][];
        for (int b = 0; b < 2; b++) {
            Trainer t = trainer(tg, b == 1, 11);
            Tensor y = Tensor.zeros(DType.F32, 6);
            for (int s = 0; s < 4; s++) losses[b][s] = t.trainStep(x(6), y)[0];
            ws[b] = t.params().get("w").f32Storage();
        }
        assertArrayEquals(losses[0], losses[1]);
        assertArrayEquals(ws[0], ws[1]);
        assertNotEquals(losses[0][1], losses[0][2]);
    }

    @Test
    void theSameBitsWhateverTheThreadCount() {
        TrainGraph tg = graph("return x * 2f + randomNormal(batch, 4) * randomUniform(batch, 4)");
        int before = KernelPool.parallelism();
        try {
            KernelPool.setParallelism(1);
            float[] one = predict(tg, true, 5, 9, 4096);
            KernelPool.setParallelism(Math.max(2, KernelPool.size()));
            assertArrayEquals(one, predict(tg, true, 5, 9, 4096));
        } finally {
            KernelPool.setParallelism(before);
        }
    }

    /**
     * Loops of at least 2^16 elements run in parts on the kernel pool; with 16,413 rows of 4 the
     * second of two parts starts in the middle of a Philox block (32,826 = 4·8206 + 2), which the
     * fused draws must compute anew. Uniforms of both dtypes and normals, against the interpreter.
     */
    @Test
    void aLoopSplitIntoPartsDrawsTheSameBitsAsTheInterpreter() {
        TrainGraph tg = graph("return x * 2f + randomNormal(batch, 4) * randomUniform(batch, 4) + randomUniform(batch, 4, dtype = f64).toF32()");
        int before = KernelPool.parallelism();
        try {
            KernelPool.setParallelism(1);
            float[] one = predict(tg, true, 5, 9, 16_413);
            KernelPool.setParallelism(Math.max(2, KernelPool.size()));
            assertArrayEquals(one, predict(tg, true, 5, 9, 16_413));
            KernelPool.setParallelism(3);
            assertArrayEquals(one, predict(tg, true, 5, 9, 16_413));
            assertArrayEquals(one, predict(tg, false, 5, 9, 16_413));
        } finally {
            KernelPool.setParallelism(before);
        }
    }

    @Test
    void bernoulliRateAndValues() {
        TrainGraph tg = graph("return x * 0f + bernoulli(0.3, batch, 4)");
        float[] m = predict(tg, true, 3, 1, 25_000);
        double ones = 0;
        for (float v : m) {
            assertTrue(v == 0f || v == 1f);
            ones += v;
        }
        // 100,000 draws: the standard error of the rate is 0.0014
        assertEquals(0.3, ones / m.length, 0.006);
        for (float v : predict(graph("return x * 0f + bernoulli(1, batch, 4)"), true, 3, 1, 10)) assertEquals(1f, v);
        for (float v : predict(graph("return x * 0f + bernoulli(0, batch, 4)"), true, 3, 1, 10)) assertEquals(0f, v);
    }

    @Test
    void theTrainingFlagIsTrueOnlyInTheTrainStepAndFoldsAway() {
        TrainGraph tg = graph("param w: f32[4] = zeros()\n return sum(x * w, axis = 1) + where(training, 10f, 0f)");
        for (boolean compiled : new boolean[] {false, true}) {
            Trainer t = trainer(tg, compiled, 0);
            Tensor y = Tensor.zeros(DType.F32, 2);
            assertEquals(0.0, t.evalStep(x(2), y)[0], compiled ? "compiled" : "interpreted");
            assertArrayEquals(new float[] {0f, 0f}, t.predict(x(2)).f32Storage());
            assertEquals(100.0, t.trainStep(x(2), y)[0], compiled ? "compiled" : "interpreted");
        }
        for (Codegen.StepKind k : Codegen.StepKind.values()) {
            Graph g = Codegen.stepGraph(tg, k);
            assertTrue(g.nodesOf("where").isEmpty(), k + " keeps the where");
            assertFalse(g.nodes().stream().anyMatch(n -> n.is("input") && "training".equals(n.name())), k + " keeps the flag");
        }
    }

    @Test
    void constructorsAcceptSymbolicDims() {
        TrainGraph tg = graph("return x + zeros(batch, 4) + ones(batch, 4) * 2f + full(batch, 4, value = 0.5)");
        Tensor in = x(3);
        for (boolean compiled : new boolean[] {false, true}) {
            float[] got = predict(tg, compiled, 0, 0, 3);
            for (int i = 0; i < got.length; i++) assertEquals(in.getDouble(i) + 2.5, got[i], 0, "element " + i);
        }
        TrainGraph ints = graph("return x + zeros(batch, 4, dtype = i32).toF32()");
        assertArrayEquals(x(2).f32Storage(), predict(ints, true, 0, 0, 2));
    }

    @Test
    void theModelsInputsLeaveOutTheRuntimeLeaves() {
        TrainGraph tg = graph("return x + randomUniform(batch, 4) + where(training, 1f, 0f)");
        assertEquals(1, tg.graph.inputs().stream().filter(n -> n.name().equals("x")).count());
        assertEquals(List.of("rng.seed", "rng.step", "training"), tg.graph.runtimeInputs().stream().map(Node::name).sorted().toList());
    }

    private static String error(String body) {
        DlmException e = assertThrows(DlmException.class, () -> graph(body));
        return e.render();
    }

    @Test
    void badArgumentsAreLocatedErrors() {
        assertEquals("""
                t.dlm:3:41: error: randomUniform needs min <= max, got min 2.0 and max 1.0
                return randomUniform(batch, 4, min = 2, max = 1)
                                                        ^~~~~~~""", error("return randomUniform(batch, 4, min = 2, max = 1)"));
        assertTrue(error("return x + bernoulli(1.5, batch, 4)").contains("bernoulli needs a probability p in [0, 1], got 1.5"));
        assertTrue(error("return x + randomNormal(batch, 4, stddev = -1)").contains("randomNormal needs stddev >= 0, got -1"));
        assertTrue(error("return x + randomUniform(batch, 4, dtype = i32)").contains("randomUniform makes f32 or f64 values, not i32"));
        assertTrue(error("return x + randomUniform(batch, 4.5)").contains("a dimension must be an Int or a dimension"));
    }
}
