package dlm.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code local-cluster[2,1,1024]}: two executor JVMs started by an in-process standalone master
 * and workers, which need {@code $SPARK_HOME/jars} (made here from the Maven class path the build
 * wrote, target/spark.classpath; surefire sets SPARK_HOME to target/spark-home). Training there
 * (two ranks of a barrier stage an epoch, one per executor JVM) ends with the state of
 * {@code --shards 4} on one machine, bit for bit, though an executor JVM is killed in the middle of
 * the first epoch, after rank 0 wrote a snapshot: Spark re-runs the stage once a new executor is
 * up, and the ranks resume from the snapshot. One test, as the cluster takes ~30 s to start.
 */
class SparkClusterTest {
    private static JavaSparkContext jsc;
    private static Path snapshots;

    @BeforeAll
    static void start() throws IOException {
        Path target = Path.of(System.getProperty("user.dir"), "target");
        Path jars = target.resolve("spark-home").resolve("jars");
        Files.createDirectories(jars);
        for (String entry : Files.readString(target.resolve("spark.classpath")).trim().split(java.io.File.pathSeparator)) {
            Path jar = Path.of(entry), link = jars.resolve(jar.getFileName());
            if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) Files.createSymbolicLink(link, jar);
        }
        snapshots = Files.createTempDirectory("dlm-spark-cluster-test");
        String jvm = String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("--add-modules") || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty")).toList());
        SparkConf conf = SparkBackend.conf("local-cluster[2,1,1024]")
                // the executors load DLM from the test class path (there is no dlm-spark.jar before the package phase)
                .set("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                // each step waits 150 ms on the executors, so that the kill below lands mid-epoch
                .set("spark.executor.extraJavaOptions", jvm + " -D" + RankTask.STEP_DELAY_PROPERTY + "=150")
                .set(SparkEpochs.SNAPSHOT_DIR, snapshots.toUri().toString())
                .set(SparkEpochs.SNAPSHOT_EVERY, "2");
        jsc = new JavaSparkContext(conf);
    }

    @AfterAll
    static void stop() { if (jsc != null) jsc.stop(); }

    @Test
    void localClusterEndsWithTheStateOfShardsOnOneMachineThoughAnExecutorIsKilledMidEpoch() throws Exception {
        SparkTrainingTest.Run one = SparkTrainingTest.train(SparkTrainingTest.SOURCE, SparkTrainingTest.SOURCE, 4, null);
        AtomicLong killed = new AtomicLong(-1);
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        // kills an executor JVM once rank 0 has written its first snapshot of epoch 1 (after 2 of its 5 steps)
        Thread killer = Thread.ofPlatform().daemon().start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    try (Stream<Path> files = Files.walk(snapshots)) {
                        if (files.anyMatch(f -> f.toString().endsWith("epoch-1/step-2.snap"))) break;
                    } catch (IOException | java.io.UncheckedIOException e) {
                        // a folder deleted while walking: look again
                    }
                    Thread.sleep(5);
                }
                ProcessHandle executor = executors().findFirst().orElseThrow(() -> new AssertionError("no executor JVM among " + ProcessHandle.current().descendants().toList()));
                killed.set(executor.pid());
                executor.destroyForcibly();
            } catch (InterruptedException e) {
                // the test ended first
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        SparkEpochs[] spark = new SparkEpochs[1];
        SparkTrainingTest.Run cluster = SparkTrainingTest.train(SparkTrainingTest.SOURCE, SparkTrainingTest.SOURCE, 4,
                (tg, params) -> spark[0] = new SparkEpochs(jsc, ProgramSource.of("m.dlm", SparkTrainingTest.SOURCE), tg, params, 4));
        killer.interrupt();
        one.assertSameAs(cluster, "local-cluster");
        assertEquals(2, spark[0].ranks());
        assertTrue(killed.get() > 0, "an executor was killed: " + failure.get());
        assertFalse(ProcessHandle.of(killed.get()).map(ProcessHandle::isAlive).orElse(false), "the executor is dead");
        List<Integer> resumed = spark[0].resumedFrom();
        assertTrue(resumed.get(0) >= 2 && resumed.get(0) % 2 == 0, "epoch 1 resumed from a snapshot: " + resumed);
        assertEquals(0, resumed.get(1), "epoch 2 ran whole: " + resumed);
    }

    /** The executor JVMs the local cluster's workers started (children of this JVM). */
    private static Stream<ProcessHandle> executors() {
        // (read from /proc: ProcessHandle.Info cuts long command lines, and an executor's class path is long)
        return ProcessHandle.current().descendants().filter(p -> {
            try {
                return new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline")), java.nio.charset.StandardCharsets.ISO_8859_1)
                        .contains("CoarseGrainedExecutorBackend");
            } catch (IOException e) {
                return false;
            }
        });
    }
}
