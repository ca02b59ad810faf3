package dlm.spark;

import dlm.compiler.train.ShardGradientStep;
import java.io.Serializable;

/**
 * A rank's answer for an epoch: an error (a rank compiled other bytecode than the driver; then
 * nothing else), or the digest of its state at the epoch's end, and from rank 0 also that state,
 * each step's K shard results (loss and metrics) and the step this attempt started from (0, or a
 * snapshot's). {@code executor} names the JVM ({@code pid@host}) and Spark executor id.
 */
record RankResult(int rank, String error, String executor, String digest, EpochState end, ShardGradientStep.Shard[][] steps, int resumedFrom)
        implements Serializable {}
