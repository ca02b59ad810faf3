package dlm.spark;

import java.io.Serializable;
import java.util.HashMap;

/**
 * What every rank of an epoch's barrier stage is given (broadcast once an epoch): the epoch, the
 * run's seed, the K shards (and local SGD's period, 0: off) and N ranks, the epoch's row order, the state at its start, the
 * SHA-256 of the driver's gradient step class per shard size the epoch uses (the ranks must
 * compile the same bytecode), and where and how often rank 0 writes snapshots (null: never).
 */
record EpochPlan(String run, int epoch, long seed, int shards, int syncEvery, int ranks, int[] order, EpochState start, HashMap<Integer, String> hashes,
                 String snapshotDir, int snapshotEvery) implements Serializable {

    /** The shards rank r computes: {@code [⌊rK/N⌋, ⌊(r+1)K/N⌋)}. */
    int firstShard(int rank) { return (int) ((long) shards * rank / ranks); }
}
