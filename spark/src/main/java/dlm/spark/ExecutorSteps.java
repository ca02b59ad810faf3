package dlm.spark;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.codegen.Codegen;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.train.ShardGradientStep;
import dlm.compiler.train.ShardedTrainer;
import dlm.compiler.train.TrainGraph;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * An executor JVM's compiled trainers, per program, kept for the life of the JVM: a rank takes an
 * idle one (compiling a new one when none is idle: one per concurrently running rank) and gives
 * it back at the epoch's end. Compiling is the program's own front end and code generator, so the
 * bytecode is the driver's when the jars are (checked by hash, {@link RankTask}).
 */
final class ExecutorSteps {
    private ExecutorSteps() {}

    /** A rank's trainer: the sharded trainer (its apply step) over gradients that the rank exchanges with the others. */
    record Worker(TrainGraph tg, ParamStore params, ShardGradientStep step, RankGradients gradients, ShardedTrainer trainer) {}

    private static final Map<String, ConcurrentLinkedQueue<Worker>> IDLE = new ConcurrentHashMap<>();

    static Worker take(ProgramSource program, int shards, int syncEvery) {
        ConcurrentLinkedQueue<Worker> idle = IDLE.computeIfAbsent(program.key() + "/" + shards + "/" + syncEvery, k -> new ConcurrentLinkedQueue<>());
        Worker w = idle.poll();
        return w != null ? w : compile(program, shards, syncEvery);
    }

    static void give(ProgramSource program, int shards, int syncEvery, Worker w) { IDLE.get(program.key() + "/" + shards + "/" + syncEvery).add(w); }

    private static Worker compile(ProgramSource program, int shards, int syncEvery) {
        CheckedProgram p = Frontend.compile(program.fileName(), program.source());
        TrainGraph tg = TrainGraph.build(p, p.trains().get(0));
        ParamStore params = ParamStore.initialize(tg.graph, 0);
        ShardGradientStep step = new ShardGradientStep(tg, params, Codegen.Options.defaults());
        RankGradients g = new RankGradients(step);
        return new Worker(tg, params, step, g, new ShardedTrainer(tg, params, shards, syncEvery, g));
    }
}
