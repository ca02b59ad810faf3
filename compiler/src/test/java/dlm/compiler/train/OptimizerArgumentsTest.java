package dlm.compiler.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dlm.compiler.Frontend;
import dlm.compiler.check.Builtins;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.check.Value;
import dlm.compiler.interp.ParamStore;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * "No silent settings" for optimizers: every argument of every optimizer (the checker's own list,
 * {@link Builtins#configs}) changes the params three train steps leave, compiled and
 * interpreted. An argument added without a case here fails the test.
 */
class OptimizerArgumentsTest {
    /** Per optimizer.argument: a base optimizer and one that differs only in that argument. */
    static final Map<String, String[]> CHANGES = new java.util.HashMap<>(Map.ofEntries(
            Map.entry("sgd.learningRate", new String[] {"sgd()", "sgd(learningRate = 0.02)"}),
            Map.entry("sgd.momentum", new String[] {"sgd()", "sgd(momentum = 0.9)"}),
            Map.entry("sgd.nesterov", new String[] {"sgd(momentum = 0.9)", "sgd(momentum = 0.9, nesterov = true)"}),
            Map.entry("adam.learningRate", new String[] {"adam()", "adam(learningRate = 0.002)"}),
            Map.entry("adam.beta1", new String[] {"adam()", "adam(beta1 = 0.5)"}),
            Map.entry("adam.beta2", new String[] {"adam()", "adam(beta2 = 0.5)"}),
            Map.entry("adam.epsilon", new String[] {"adam()", "adam(epsilon = 0.1)"}),
            Map.entry("rmsprop.learningRate", new String[] {"rmsprop()", "rmsprop(learningRate = 0.002)"}),
            Map.entry("rmsprop.rho", new String[] {"rmsprop()", "rmsprop(rho = 0.5)"}),
            Map.entry("rmsprop.momentum", new String[] {"rmsprop()", "rmsprop(momentum = 0.9)"}),
            Map.entry("rmsprop.epsilon", new String[] {"rmsprop()", "rmsprop(epsilon = 0.1)"}),
            Map.entry("adagrad.learningRate", new String[] {"adagrad()", "adagrad(learningRate = 0.002)"}),
            Map.entry("adagrad.initialAccumulatorValue", new String[] {"adagrad()", "adagrad(initialAccumulatorValue = 1)"}),
            Map.entry("adagrad.epsilon", new String[] {"adagrad()", "adagrad(epsilon = 0.1)"}),
            Map.entry("adamw.learningRate", new String[] {"adamw()", "adamw(learningRate = 0.002)"}),
            Map.entry("adamw.beta1", new String[] {"adamw()", "adamw(beta1 = 0.5)"}),
            Map.entry("adamw.beta2", new String[] {"adamw()", "adamw(beta2 = 0.5)"}),
            Map.entry("adamw.epsilon", new String[] {"adamw()", "adamw(epsilon = 0.1)"})));

    static {
        // the options every optimizer takes: the gradients here (norm ≈ 6.7) exceed the clip thresholds
        for (String o : List.of("sgd", "adam", "adamw", "rmsprop", "adagrad")) {
            CHANGES.put(o + ".weightDecay", new String[] {o + "()", o + "(weightDecay = 0.1)"});
            CHANGES.put(o + ".clipNorm", new String[] {o + "()", o + "(clipNorm = 1.0)"});
            CHANGES.put(o + ".clipValue", new String[] {o + "()", o + "(clipValue = 1.0)"});
            CHANGES.put(o + ".globalClipNorm", new String[] {o + "()", o + "(globalClipNorm = 1.0)"});
        }
    }

    private static final String MODEL = """
            import std.nn.*
            model M(x: f32[batch, 2]) {
                param w: f32[2] = normal()
                return sum(x * w, axis = 1)
            }
            val opt = %s
            """;

    /** w after three train steps on two samples with squared error. */
    static double[] threeSteps(String optimizer, boolean compiled) {
        CheckedProgram p = Frontend.compile("t.dlm", MODEL.formatted(optimizer));
        Value.ConfigV opt = (Value.ConfigV) p.scope().lookup("opt");
        Value.FunV mse = (Value.FunV) p.scope().lookup("meanSquaredError");
        TrainGraph tg = TrainGraph.build(p, new TrainGraph.Spec(p.models().get("M").decl(), mse, List.of(), opt, DType.F32, p.ast().span()));
        ParamStore params = ParamStore.initialize(tg.graph, 0);
        params.set("w", Tensor.of(DType.F32, new int[] {2}, new double[] {1.0, -2.0}));
        Trainer t = compiled ? new CompiledTrainer(tg, params) : new InterpretedTrainer(tg, params);
        Tensor x = Tensor.of(DType.F32, new int[] {2, 2}, new double[] {1.0, 0.5, -0.3, 2.0});
        Tensor y = Tensor.of(DType.F32, new int[] {2}, new double[] {0.25, -1.0});
        for (int s = 0; s < 3; s++) t.trainStep(x, y);
        return params.get("w").toDoubles();
    }

    @Test
    void everyOptimizerArgumentChangesTheUpdate() {
        List<String> expected = new ArrayList<>();
        for (var e : Builtins.configs("optimizer").entrySet()) for (String a : e.getValue()) expected.add(e.getKey() + "." + a);
        assertEquals(new TreeSet<>(expected), new TreeSet<>(CHANGES.keySet()), "every optimizer argument needs a case here");
        List<String> silent = new ArrayList<>();
        for (var e : CHANGES.entrySet())
            for (boolean compiled : new boolean[] {false, true})
                if (Arrays.equals(threeSteps(e.getValue()[0], compiled), threeSteps(e.getValue()[1], compiled)))
                    silent.add(e.getKey() + (compiled ? " (compiled)" : " (interpreted)"));
        assertEquals(List.of(), silent, "optimizer arguments that changed nothing");
    }
}
