package dlm.compiler.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.kernels.KernelPool;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * std.nn's image augmentation layers (Keras 3's RandomFlip, RandomTranslation, RandomRotation,
 * RandomZoom, and SpatialDropout2D): exact values where the drawn parameter is fixed by a
 * degenerate range, identity outside the train step, the same images by seed compiled or
 * interpreted whatever the thread count, the gradient through them against finite differences,
 * located errors for bad arguments and for a learned map, and an allocation-free train step.
 */
class ImageAugmentationTest {

    static Graph model(String xType, String body) { return DropoutTest.model(xType, body); }

    /** Images [n, h, w, c] holding 1, 2, 3, … in row-major order. */
    static Tensor images(DType d, int n, int h, int w, int c) {
        Tensor t = Tensor.zeros(d, n, h, w, c);
        for (int i = 0; i < t.size(); i++) t.setDouble(i, i + 1);
        return t;
    }

    static double[] train(String body, Tensor x) {
        String type = (x.dtype() == DType.F64 ? "f64" : "f32") + "[batch, " + x.shape()[1] + ", " + x.shape()[2] + ", " + x.shape()[3] + "]";
        Graph g = model(type, body);
        double[] compiled = DropoutTest.compiled(g, new ParamStore(), x, true, 3, 1).toDoubles();
        assertArrayEquals(compiled, DropoutTest.interpreted(g, new ParamStore(), x, true, 3, 1).toDoubles(), body);
        return compiled;
    }

    @Test
    void translationByAFixedFractionShiftsEveryImage() {
        Tensor x = images(DType.F64, 2, 1, 4, 1); // rows [1 2 3 4] and [5 6 7 8]
        // widthFactor [0.25, 0.25]: one column to the right (output x reads x − 1)
        assertArrayEquals(new double[] {1, 1, 2, 3, 5, 5, 6, 7}, train("return randomTranslation(x, 0, [0.25, 0.25])", x));
        assertArrayEquals(new double[] {4, 1, 2, 3, 8, 5, 6, 7}, train("return randomTranslation(x, 0, [0.25, 0.25], fillMode = \"wrap\")", x));
        assertArrayEquals(new double[] {-1, 1, 2, 3, -1, 5, 6, 7},
                train("return randomTranslation(x, 0, [0.25, 0.25], fillMode = \"constant\", fillValue = -1)", x));
        // half a column to the left, bilinear (the default) with the edge's nearest fill
        assertArrayEquals(new double[] {1.5, 2.5, 3.5, 4, 5.5, 6.5, 7.5, 8},
                train("return randomTranslation(x, 0, [-0.125, -0.125], fillMode = \"nearest\")", x));
        // down by one row of two
        Tensor y = images(DType.F64, 1, 2, 2, 1);
        assertArrayEquals(new double[] {0, 0, 1, 2}, train("return randomTranslation(x, [0.5, 0.5], 0, fillMode = \"constant\")", y));
    }

    @Test
    void rotationByAQuarterTurnIsExactWithNearest() {
        Tensor x = images(DType.F64, 1, 3, 3, 1); // [[1 2 3] [4 5 6] [7 8 9]]
        // angle π/2: output (x, y) reads (−y + 2, x), a counterclockwise quarter turn
        assertArrayEquals(new double[] {3, 6, 9, 2, 5, 8, 1, 4, 7},
                train("return randomRotation(x, [0.25, 0.25], interpolation = \"nearest\")", x));
        assertArrayEquals(new double[] {7, 4, 1, 8, 5, 2, 9, 6, 3},
                train("return randomRotation(x, [-0.25, -0.25], interpolation = \"nearest\")", x));
        // a half turn, bilinear: cos π is −1 to rounding, so values agree to 1e-12
        double[] half = train("return randomRotation(x, [0.5, 0.5])", x);
        assertArrayEquals(new double[] {9, 8, 7, 6, 5, 4, 3, 2, 1}, half, 1e-12);
    }

    @Test
    void zoomScalesAboutTheCenter() {
        Tensor x = images(DType.F64, 1, 1, 5, 1); // [1 2 3 4 5], center 2
        // zoom 1.5 (factor 0.5, out): output x reads 1.5·x − 1 → −1, 0.5, 2, 3.5, 5
        assertArrayEquals(new double[] {0, 1.5, 3, 4.5, 0}, train("return randomZoom(x, 0, [0.5, 0.5], fillMode = \"constant\")", x));
        // zoom 0.5 (factor −0.5, in): reads 0.5·x + 1 → 1, 1.5, 2, 2.5, 3
        assertArrayEquals(new double[] {2, 2.5, 3, 3.5, 4}, train("return randomZoom(x, 0, [-0.5, -0.5])", x));
        // widthFactor left out: the height's zoom for both axes
        Tensor sq = images(DType.F64, 1, 3, 3, 1);
        assertArrayEquals(new double[] {5, 5, 5, 5, 5, 5, 5, 5, 5}, train("return randomZoom(x, [-1, -1])", sq));
        // a different widthFactor: rows zoomed in fully (all read row 1), columns kept
        assertArrayEquals(new double[] {4, 5, 6, 4, 5, 6, 4, 5, 6}, train("return randomZoom(x, [-1, -1], 0)", sq));
    }

    @Test
    void flipsWholeImagesWithProbabilityOneHalf() {
        int n = 400;
        Tensor x = images(DType.F32, n, 2, 3, 2);
        for (String mode : List.of("horizontal", "vertical", "horizontal_and_vertical")) {
            double[] y = train("return randomFlip(x, mode = \"" + mode + "\")", x);
            double[] xs = x.toDoubles();
            int flipped = 0;
            for (int b = 0; b < n; b++) {
                boolean same = true, flip = true;
                for (int r = 0; r < 2; r++)
                    for (int col = 0; col < 3; col++)
                        for (int ch = 0; ch < 2; ch++) {
                            int sr = mode.equals("horizontal") ? r : 1 - r, sc = mode.equals("vertical") ? col : 2 - col;
                            double v = y[((b * 2 + r) * 3 + col) * 2 + ch];
                            same &= v == xs[((b * 2 + r) * 3 + col) * 2 + ch];
                            flip &= v == xs[((b * 2 + sr) * 3 + sc) * 2 + ch];
                        }
                assertTrue(same || flip, mode + " image " + b);
                if (flip) flipped++;
            }
            assertEquals(0.5, flipped / (double) n, 0.1, mode); // 400 images: the standard error is 0.025
        }
    }

    @Test
    void spatialDropoutDropsWholeChannels() {
        int n = 200, c = 8;
        Tensor x = images(DType.F32, n, 3, 3, c);
        double[] y = train("return spatialDropout2d(x, 0.25)", x);
        double[] xs = x.toDoubles();
        int dropped = 0;
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++) {
                boolean zero = y[(b * 9) * c + ch] == 0;
                if (zero) dropped++;
                for (int p = 0; p < 9; p++) {
                    int i = (b * 9 + p) * c + ch;
                    assertEquals(zero ? 0 : (float) xs[i] * (float) (1 / 0.75), y[i], 0, "image " + b + " channel " + ch);
                }
            }
        assertEquals(0.25, dropped / (double) (n * c), 0.05);
    }

    @Test
    void outsideTheTrainStepEveryLayerIsTheIdentityAndLeavesNoRandomOp() {
        Tensor x = images(DType.F32, 3, 4, 4, 2);
        for (String layer : List.of("randomFlip(x)", "randomTranslation(x, 0.2, 0.3)", "randomRotation(x, 0.1)", "randomZoom(x, 0.2)",
                "spatialDropout2d(x, 0.5)")) {
            Graph g = model("f32[batch, 4, 4, 2]", "return " + layer);
            assertArrayEquals(x.f32Storage(), DropoutTest.compiled(g, new ParamStore(), x, false, 3, 1).f32Storage(), layer);
            assertArrayEquals(x.f32Storage(), DropoutTest.interpreted(g, new ParamStore(), x, false, 3, 1).f32Storage(), layer);
            TrainGraph tg = graph("return dense(flatten(" + layer + "), 2)");
            for (Codegen.StepKind k : List.of(Codegen.StepKind.EVAL, Codegen.StepKind.PREDICT)) {
                Graph step = Codegen.stepGraph(tg, k);
                assertTrue(step.nodesOf("randomUniform").isEmpty() && step.nodesOf("imageTransform").isEmpty(), layer + " in " + k);
            }
        }
    }

    @Test
    void theSameImagesBySeedCompiledOrInterpretedWhateverTheThreadCount() {
        Tensor x = images(DType.F64, 16, 6, 5, 3);
        String body = """
                val a = randomRotation(x, 0.2, fillMode = "wrap")
                val b = randomZoom(a, [-0.3, 0.2], [0.1, 0.4], interpolation = "nearest")
                val c = randomTranslation(b, 0.2, [-0.1, 0.3], fillMode = "constant", fillValue = 0.5)
                return randomFlip(c)""";
        Graph g = model("f64[batch, 6, 5, 3]", body);
        double[] ref = DropoutTest.interpreted(g, new ParamStore(), x, true, 17, 2).toDoubles();
        int before = KernelPool.parallelism();
        try {
            for (int threads : new int[] {1, 2}) {
                KernelPool.setParallelism(threads);
                assertArrayEquals(ref, DropoutTest.compiled(g, new ParamStore(), x, true, 17, 2).toDoubles(), threads + " threads");
            }
        } finally {
            KernelPool.setParallelism(before);
        }
        assertNotEquals(Arrays.toString(ref), Arrays.toString(x.toDoubles()));
        assertNotEquals(Arrays.toString(ref), Arrays.toString(DropoutTest.interpreted(g, new ParamStore(), x, true, 18, 2).toDoubles()));
        assertNotEquals(Arrays.toString(ref), Arrays.toString(DropoutTest.interpreted(g, new ParamStore(), x, true, 17, 3).toDoubles()));
        // f32: the same bits on both backends too
        Tensor xf = images(DType.F32, 16, 6, 5, 3);
        Graph gf = model("f32[batch, 6, 5, 3]", body);
        assertArrayEquals(DropoutTest.interpreted(gf, new ParamStore(), xf, true, 5, 9).f32Storage(),
                DropoutTest.compiled(gf, new ParamStore(), xf, true, 5, 9).f32Storage());
    }

    /** A train graph of model M(x: f32[batch, 4, 4, 2]) with the given body and a mean-square loss. */
    static TrainGraph graph(String body) {
        CheckedProgram p = Frontend.compile("t.dlm", """
                import std.nn.*
                model M(x: f32[batch, 4, 4, 2]) {
                %s
                }
                val opt = sgd(learningRate = 0.1)
                fun meanSquare(yTrue: Tensor, yPred: Tensor): f32 = mean(square(yPred))
                """.formatted(body));
        Value.ConfigV opt = (Value.ConfigV) p.scope().lookup("opt");
        Value.FunV mse = (Value.FunV) p.scope().lookup("meanSquare");
        return TrainGraph.build(p, new TrainGraph.Spec(p.models().get("M").decl(), mse, List.of(), opt, DType.F32, p.ast().span()));
    }

    @Test
    void compiledAndInterpretedTrainingSeeTheSameAugmentedImages() {
        TrainGraph tg = graph("""
                return sequential(x) {
                    randomFlip("horizontal")
                    randomRotation(0.1)
                    randomZoom(0.2, fillMode = "constant")
                    randomTranslation(0.2, 0.2, interpolation = "nearest")
                    conv2d(4, 3, activation = ::relu)
                    spatialDropout2d(0.25)
                    flatten()
                    dense(3)
                }""");
        Tensor x = images(DType.F32, 8, 4, 4, 2);
        for (int i = 0; i < x.size(); i++) x.setDouble(i, (i % 11) / 10.0);
        double[][] losses = new double[2][4];
        for (int b = 0; b < 2; b++) {
            Trainer t = RandomnessTest.trainer(tg, b == 1, 21);
            for (int s = 0; s < 4; s++) losses[b][s] = t.trainStep(x, Tensor.zeros(DType.F32, 8))[0];
        }
        assertArrayEquals(losses[0], losses[1], 1e-6);
    }

    /** d/dW of sum(randomZoom(randomRotation(x @ W)) * R) in the train step, seed fixed, against finite differences. */
    @Test
    void theGradientPassesThroughTheResamplingAgainstFiniteDifferences() {
        for (String layer : List.of("randomRotation(h, 0.2)", "randomZoom(h, [-0.4, 0.3], fillMode = \"constant\", fillValue = 0.5)",
                "randomTranslation(h, 0.3, 0.3, fillMode = \"wrap\", interpolation = \"nearest\")", "randomFlip(h)")) {
            Graph g0 = model("f64[2, 12]", """
                    param W: f64[12, 18] = uniform(-1, 1)
                    val h = (x @ W).reshape(2, 3, 3, 2)
                    val y = %s
                    return sum(y * arange(36, dtype = f64).reshape(2, 3, 3, 2))
                    """.formatted(layer));
            Graph g = dlm.compiler.passes.BindInputs.apply(g0, Map.of(dlm.compiler.check.RuntimeInputs.TRAINING, Tensor.scalar(DType.BOOL, 1),
                    dlm.compiler.check.RuntimeInputs.RNG_SEED, dlm.compiler.check.RuntimeInputs.i64(9),
                    dlm.compiler.check.RuntimeInputs.RNG_STEP, dlm.compiler.check.RuntimeInputs.i64(4)));
            ParamStore ps = ParamStore.initialize(g, 3);
            var w = g.params().get(0);
            var y = g.output("output");
            Tensor in = Tensor.zeros(DType.F64, 2, 12);
            for (int i = 0; i < in.size(); i++) in.setDouble(i, Math.sin(i));
            Map<dlm.compiler.ir.Node, Tensor> feeds = Map.of(g.inputs().get(0), in);
            var grads = dlm.compiler.autodiff.Autodiff.grad(g, y, List.of(w), y.span());
            Tensor sym = new dlm.compiler.interp.Interpreter(g, ps).run(feeds, grads).get(grads.get(0));
            Tensor fd = dlm.compiler.autodiff.FiniteDifferences.of(g, y, feeds, ps).gradient(w, 1e-6);
            for (int k = 0; k < sym.size(); k++)
                assertEquals(fd.getDouble(k), sym.getDouble(k), 1e-5 + 1e-6 * Math.abs(fd.getDouble(k)), layer + " dW[" + k + "]");
        }
    }

    @Test
    void aLearnedMapIsALocatedError() {
        DlmException e = assertThrows(DlmException.class, () -> graph("""
                param M: f32[1, 8] = uniform(-1, 1)
                return dense(flatten(affineTransform(x, M)), 2)"""));
        assertTrue(e.getMessage().contains("cannot differentiate through 'imageTransform'"), e.getMessage());
        assertTrue(e.getMessage().contains("t.dlm:4:"), e.getMessage()); // names the call
        // after a trainable layer, the augmentation layers train in both backends alike
        TrainGraph ok = graph("""
                val h = dense(flatten(x), 32).reshape(-1, 4, 4, 2)
                return dense(flatten(spatialDropout2d(randomRotation(randomFlip(h), 0.1), 0.2)), 2)""");
        Tensor in = images(DType.F32, 4, 4, 4, 2);
        for (int i = 0; i < in.size(); i++) in.setDouble(i, (i % 11) / 10.0);
        double[][] losses = new double[2][3];
        for (int b = 0; b < 2; b++) {
            Trainer t = RandomnessTest.trainer(ok, b == 1, 1);
            for (int s = 0; s < 3; s++) losses[b][s] = t.trainStep(in, Tensor.zeros(DType.F32, 4))[0];
        }
        assertTrue(losses[0][2] < losses[0][0], java.util.Arrays.toString(losses[0]));
        assertArrayEquals(losses[0], losses[1], 1e-4 * Math.abs(losses[0][0]));
    }

    private static String error(String body) {
        return assertThrows(DlmException.class, () -> model("f32[batch, 4, 4, 1]", body)).render();
    }

    @Test
    void badArgumentsAreLocatedErrors() {
        assertEquals("""
                t.dlm:3:8: error: randomRotation's factor must be in [-1, 1], got 1.5
                return randomRotation(x, 1.5)
                       ^~~~~~~~~~~~~~~~~~~~~~""", error("return randomRotation(x, 1.5)"));
        assertTrue(error("return randomTranslation(x, [0.1, -1.2], 0)").contains("randomTranslation's heightFactor must be in [-1, 1], got -1.2"));
        assertTrue(error("return randomZoom(x, 0.1, [0.1, 0.2, 0.3])").contains("randomZoom's widthFactor must be a number or a list of two numbers"));
        assertTrue(error("return randomZoom(x, \"big\")").contains("randomZoom's heightFactor must be a number or a list of two numbers, got"));
        assertEquals("""
                t.dlm:3:8: error: randomFlip's mode must be "horizontal", "vertical" or "horizontal_and_vertical", got "diagonal"
                return randomFlip(x, mode = "diagonal")
                       ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~""", error("return randomFlip(x, mode = \"diagonal\")"));
        String mode = error("return randomRotation(x, 0.1, fillMode = \"mirror\")");
        assertTrue(mode.startsWith("t.dlm:3:8: error: fillMode must be \"reflect\", \"wrap\", \"constant\" or \"nearest\", got \"mirror\""), mode);
        String interp = error("return randomZoom(x, 0.1, interpolation = \"bicubic\")");
        assertTrue(interp.startsWith("t.dlm:3:8: error: interpolation must be \"nearest\" or \"bilinear\", got \"bicubic\""), interp);
        assertTrue(error("return spatialDropout2d(x, 1)").contains("spatialDropout2d needs a rate in [0, 1), got 1"));
        assertTrue(error("return randomFlip(x.reshape(-1, 16))").contains("randomFlip needs images [batch, height, width, channels], got rank 2"));
    }

    /** Bytes allocated by 100 compiled train steps, after 200 to warm up. */
    static long allocatedBy100Steps(String body) {
        TrainGraph tg = graph(body);
        Trainer t = RandomnessTest.trainer(tg, true, 1);
        Tensor in = images(DType.F32, 16, 4, 4, 2), y = Tensor.zeros(DType.F32, 16);
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int s = 0; s < 200; s++) t.trainStep(in, y);
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int s = 0; s < 100; s++) t.trainStep(in, y);
        return mx.getCurrentThreadAllocatedBytes() - before;
    }

    /** Each layer, and a chain of them, in a compiled train step that allocates nothing in steady state. */
    @Test
    void aTrainStepWithAugmentationAllocatesNothingInSteadyState() {
        StringBuilder bad = new StringBuilder();
        for (String layer : List.of("randomFlip(x)", "randomRotation(x, 0.1)", "randomZoom(x, 0.2)", "randomTranslation(x, 0.1, 0.2)",
                "spatialDropout2d(x, 0.3)", "randomZoom(randomRotation(randomFlip(x), 0.1), 0.2, interpolation = \"nearest\")")) {
            long allocated = allocatedBy100Steps("return " + layer + ".reshape(-1, 32) * 2f");
            if (allocated >= 4096) bad.append(layer).append(": ").append(allocated).append(" bytes in 100 steps; ");
        }
        assertTrue(bad.isEmpty(), bad.toString());
    }
}
