package dlm.spark;

import dlm.compiler.train.ShardGradientStep;
import java.io.Serializable;

/**
 * An executor's answer for one shard: its scaled gradients, loss and metrics, the SHA-256 of the
 * gradient step class it compiled for the shard's size (empty for a shard without rows), and
 * which JVM computed it: its {@code pid@host} and Spark's executor id (for error messages).
 */
record ShardResult(int shard, ShardGradientStep.Shard result, String bytecodeHash, String executor, String executorId) implements Serializable {}
