package dlm.compiler.train;

import dlm.compiler.interp.ParamStore;

/**
 * Where a {@link ShardedTrainer} gets its shard gradients from a cluster ({@code dlmc train
 * --spark MASTER}). The compiler knows no cluster: an implementation (the dlm-spark module's)
 * is found with {@link java.util.ServiceLoader} when its jar is on the class path.
 */
public interface ClusterBackend {
    /** The name of the option that selects it ({@code spark}). */
    String name();

    /**
     * Connects to {@code master} and returns the gradients of {@code shards} shards computed there
     * (with local SGD averaging every {@code syncEvery} steps when it is above 0)
     * for the program {@code source} (the text of {@code fileName}), whose train step on this JVM
     * is {@code tg} with weights in {@code params} (a cluster that runs whole epochs also
     * implements {@link ShardedTrainer.Epochs}). The cluster compiles the program itself and must
     * produce the driver's bytecode.
     */
    ShardedTrainer.Gradients open(String master, String fileName, String source, TrainGraph tg, ParamStore params, int shards, int syncEvery);
}
