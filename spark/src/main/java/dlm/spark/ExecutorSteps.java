package dlm.spark;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.codegen.Codegen;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Node;
import dlm.compiler.train.ShardGradientStep;
import dlm.compiler.train.TrainGraph;
import dlm.runtime.Tensor;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * An executor JVM's compiled gradient steps, per program, kept for the life of the JVM: a task
 * takes an idle one (compiling a new one when none is idle: one per concurrently running task),
 * loads the shipped weights into it, computes its shard and gives it back. Compiling is the
 * program's own front end and code generator, so the bytecode is the driver's when the jars are.
 */
final class ExecutorSteps {
    private ExecutorSteps() {}

    private record Worker(TrainGraph tg, ParamStore params, List<String> weightNames, ShardGradientStep step) {}

    private static final Map<String, ConcurrentLinkedQueue<Worker>> IDLE = new ConcurrentHashMap<>();

    /**
     * Shard {@code task} with {@code weights} (the storage arrays of the train graph's weights, in
     * {@code TrainGraph.weights()} order).
     */
    static ShardResult run(ProgramSource program, ShardTask task, Object[] weights) {
        ConcurrentLinkedQueue<Worker> idle = IDLE.computeIfAbsent(program.key(), k -> new ConcurrentLinkedQueue<>());
        Worker w = idle.poll();
        if (w == null) w = compile(program);
        try {
            if (weights.length != w.weightNames().size())
                throw new IllegalStateException("the driver sent " + weights.length + " weights, the executor's program has " + w.weightNames().size());
            for (int i = 0; i < weights.length; i++) {
                Tensor t = w.params().get(w.weightNames().get(i));
                System.arraycopy(weights[i], 0, t.storage(), 0, t.size());
            }
            w.step().randomSeed(task.seed());
            ShardGradientStep.Shard s = w.step().compute(task.imagesTensor(), task.labelsTensor(), 0, task.rows(), task.batch(), task.step());
            String hash = task.rows() == 0 ? "" : w.step().bytecodeHash(task.rows());
            org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
            return new ShardResult(task.shard(), s, hash, ManagementFactory.getRuntimeMXBean().getName(), env == null ? "" : env.executorId());
        } finally {
            idle.add(w);
        }
    }

    private static Worker compile(ProgramSource program) {
        CheckedProgram p = Frontend.compile(program.fileName(), program.source());
        TrainGraph tg = TrainGraph.build(p, p.trains().get(0));
        ParamStore params = ParamStore.initialize(tg.graph, 0);
        return new Worker(tg, params, tg.weights().stream().map(Node::name).toList(), new ShardGradientStep(tg, params, Codegen.Options.defaults()));
    }
}
