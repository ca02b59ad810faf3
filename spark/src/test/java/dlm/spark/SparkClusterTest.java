package dlm.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Node;
import dlm.compiler.train.ShardGradientStep;
import dlm.compiler.train.ShardedTrainer;
import dlm.compiler.train.TrainGraph;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.ExecutorLostFailure;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code local-cluster[2,1,1024]}: two executor JVMs started by an in-process standalone master
 * and workers, which need {@code $SPARK_HOME/jars} (made here from the Maven class path the build
 * wrote, target/spark.classpath; surefire sets SPARK_HOME to target/spark-home). Training there
 * ends with the weights of {@code --shards 4} on one machine, bit for bit, though an executor JVM is
 * killed in the middle of the first epoch, while a step's tasks run (Spark re-runs the lost tasks
 * on the other executor and starts a new one). One test, as the cluster takes ~30 s to start.
 */
class SparkClusterTest {
    private static JavaSparkContext jsc;

    @BeforeAll
    static void start() throws IOException {
        Path target = Path.of(System.getProperty("user.dir"), "target");
        Path jars = target.resolve("spark-home").resolve("jars");
        Files.createDirectories(jars);
        for (String entry : Files.readString(target.resolve("spark.classpath")).trim().split(java.io.File.pathSeparator)) {
            Path jar = Path.of(entry), link = jars.resolve(jar.getFileName());
            if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) Files.createSymbolicLink(link, jar);
        }
        SparkConf conf = SparkBackend.conf("local-cluster[2,1,1024]")
                // the executors load DLM from the test class path (there is no dlm-spark.jar before the package phase)
                .set("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                .set("spark.executor.extraJavaOptions", String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                        .filter(a -> a.startsWith("--add-opens") || a.startsWith("--add-modules") || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty")).toList()))
                .set("spark.task.maxFailures", "8");
        jsc = new JavaSparkContext(conf);
    }

    @AfterAll
    static void stop() { if (jsc != null) jsc.stop(); }

    @Test
    void localClusterEndsWithTheWeightsOfShardsOnOneMachineThoughAnExecutorIsKilledMidEpoch() {
        List<float[]> one = SparkTrainingTest.train(SparkTrainingTest.SOURCE, SparkTrainingTest.SOURCE, 4, false);
        List<float[]> cluster = train(4, 3);
        for (int i = 0; i < one.size(); i++) assertArrayEquals(one.get(i), cluster.get(i), "weight " + i);
    }

    /** As {@link SparkTrainingTest#train}, on the cluster; at step {@code killAt} (unless negative) an executor JVM is killed while the step's tasks run. */
    private static List<float[]> train(int shards, int killAt) {
        CheckedProgram p = Frontend.compile("m.dlm", SparkTrainingTest.SOURCE);
        TrainGraph tg = TrainGraph.build(p, p.trains().get(0));
        ParamStore params = ParamStore.initialize(tg.graph, 3);
        SparkGradients spark = new SparkGradients(jsc, ProgramSource.of("m.dlm", SparkTrainingTest.SOURCE), tg, params);
        Set<Long> killed = ConcurrentHashMap.newKeySet();
        AtomicBoolean armed = new AtomicBoolean();
        AtomicInteger lostTasks = new AtomicInteger();
        // kills the JVM of the executor that starts the first task of step killAt, while that task runs
        SparkListener killer = new SparkListener() {
            @Override
            public void onTaskStart(SparkListenerTaskStart start) {
                if (!armed.getAndSet(false)) return;
                Long pid = spark.executorPid(start.taskInfo().executorId());
                if (pid == null) return;
                killed.add(pid);
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }

            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (end.reason() instanceof ExecutorLostFailure) lostTasks.incrementAndGet();
            }
        };
        jsc.sc().addSparkListener(killer);
        ShardedTrainer.Gradients g = new ShardedTrainer.Gradients() {
            public ShardGradientStep.Shard[] compute(Tensor images, Tensor labels, int k, long step) {
                if (step == killAt) {
                    assertTrue(spark.executorPids().size() >= 2, "both executors computed shards before the kill: " + spark.executorPids());
                    armed.set(true);
                }
                return spark.compute(images, labels, k, step);
            }

            public void randomSeed(long seed) { spark.randomSeed(seed); }
        };
        ShardedTrainer t = new ShardedTrainer(tg, params, shards, g);
        t.randomSeed(3);
        int n = 100;
        Tensor images = Tensor.zeros(DType.U8, n, 28, 28), labels = Tensor.zeros(DType.U8, n);
        for (int i = 0; i < images.size(); i++) images.setDouble(i, (i * 2654435761L >>> 7) % 256);
        for (int i = 0; i < n; i++) labels.setDouble(i, (i * 7) % 10);
        for (int epoch = 0; epoch < 2; epoch++)
            for (int lo = 0; lo < n; lo += 24) {
                int rows = Math.min(24, n - lo);
                Tensor bx = Tensor.zeros(DType.U8, rows, 28, 28), by = Tensor.zeros(DType.U8, rows);
                System.arraycopy(images.storage(), lo * 784, bx.storage(), 0, rows * 784);
                System.arraycopy(labels.storage(), lo, by.storage(), 0, rows);
                t.trainStep(bx, by);
            }
        jsc.sc().removeSparkListener(killer);
        if (killAt >= 0) {
            assertTrue(lostTasks.get() >= 1, "a task was lost with its executor and re-run");
            assertTrue(!killed.isEmpty() && killed.stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)), "an executor was killed");
            assertTrue(spark.executorPids().stream().anyMatch(pid -> !killed.contains(pid)), "another executor computed shards after the kill: " + spark.executorPids());
        }
        List<float[]> out = new ArrayList<>();
        for (Node w : tg.weights()) out.add(params.get(w.name()).f32Storage().clone());
        return out;
    }
}
