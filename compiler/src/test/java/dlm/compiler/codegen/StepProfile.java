package dlm.compiler.codegen;

import dlm.compiler.Frontend;
import dlm.compiler.TestFiles;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.train.TrainGraph;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Time per step method of a compiled train step (not a test; a profiling aid). */
public final class StepProfile {
    public static void main(String[] args) throws Exception {
        CheckedProgram p = Frontend.load(TestFiles.example(args.length > 0 ? args[0] : "mnist.dlm"));
        TrainGraph tg = TrainGraph.build(p, p.trains().get(0));
        Compilation c = Codegen.compile(tg, Codegen.StepKind.TRAIN, 128, Codegen.Options.defaults().withHidden(false));
        ParamStore ps = ParamStore.initialize(tg.graph, 0);
        Map<String, dlm.runtime.Tensor> bind = new HashMap<>(ps.all());
        CompiledGraph g = c.instantiate(bind);
        java.util.Random r = new java.util.Random(1);
        byte[] im = g.external("images").byteStorage();
        for (int i = 0; i < im.length; i++) im[i] = (byte) r.nextInt(256);
        g.external("step").f32Storage()[0] = 1;
        Object step = g.step();
        for (int i = 0; i < 300; i++) g.run();
        Map<String, Double> best = new java.util.LinkedHashMap<>();
        double total = 0;
        for (int round = 0; round < 7; round++) {
            for (String m : c.stepMethods().keySet()) {
                Method mm = step.getClass().getDeclaredMethod(m);
                mm.setAccessible(true);
                for (int i = 0; i < 20; i++) mm.invoke(step);
                long t0 = System.nanoTime();
                int n = 100;
                for (int i = 0; i < n; i++) mm.invoke(step);
                best.merge(m, (System.nanoTime() - t0) / 1e3 / n, Math::min);
            }
        }
        for (var e : best.entrySet()) {
            System.out.printf(Locale.ROOT, "%-32s %8.1f us%n", e.getKey(), e.getValue());
            total += e.getValue();
        }
        System.out.printf(Locale.ROOT, "%-32s %8.1f us%n", "total", total);
    }
}
