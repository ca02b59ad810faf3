package dlm.bench;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.codegen.CompiledGraph;
import dlm.compiler.codegen.Codegen.StepKind;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.train.CompiledTrainer;
import dlm.compiler.train.TrainGraph;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.data.Dataset;
import dlm.runtime.data.DatasetOptions;
import dlm.runtime.data.Datasets;
import dlm.runtime.kernels.KernelPool;
import dlm.runtime.train.Batcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One compiled step of the chapter's MNIST model ({@code examples/mnist.dlm}: 784-512(relu)-10,
 * Adam, batch 128), end to end as {@code dlmc train} runs it: {@code trainStep} is forward, loss,
 * metrics, backward and the Adam update of all 407,050 params; {@code predictStep} the forward
 * pass only (softmax included), as in inference. Batches are real MNIST images when the dataset is
 * found ($DLM_DATA, ~/.dlm/datasets; no download), else random bytes. Scores are µs per step;
 * one epoch is 469 steps. Run from the repository root:
 * <pre>
 *   mvn -B -pl bench -am package -DskipTests
 *   java -jar bench/target/benchmarks.jar TrainStepBench -f 1 -wi 5 -i 5 -w 1 -r 1
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseSerialGC", "-Xmn32m"})
public class TrainStepBench {
    static final int BATCH = 128, BATCHES = 32;

    @Param({"1", "2"})
    public int threads;

    private CompiledTrainer trainer;
    private Tensor[][] batches;
    private int next;
    private int oldThreads;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        oldThreads = KernelPool.setParallelism(threads);
        CheckedProgram p = Frontend.load(example("mnist.dlm"));
        TrainGraph tg = TrainGraph.build(p, p.trains().get(0));
        trainer = new CompiledTrainer(tg, ParamStore.initialize(tg.graph, 0));
        batches = new Tensor[BATCHES][];
        Dataset data = mnist();
        Random r = new Random(1);
        Batcher batcher = data == null ? null : new Batcher(data.trainImages(), data.trainLabels(), BATCH);
        for (int b = 0; b < BATCHES; b++) {
            if (batcher != null) {
                Tensor[] t = batcher.batch(null, b);
                batches[b] = new Tensor[] {t[0].copy(), t[1].copy()};
            } else {
                Tensor images = Tensor.zeros(DType.U8, BATCH, 28, 28), labels = Tensor.zeros(DType.U8, BATCH);
                r.nextBytes(images.byteStorage());
                for (int i = 0; i < BATCH; i++) labels.setLong(i, r.nextInt(10));
                batches[b] = new Tensor[] {images, labels};
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() { KernelPool.setParallelism(oldThreads); }

    @Benchmark
    public double trainStep() {
        Tensor[] b = batches[next++ & (BATCHES - 1)];
        return trainer.trainStep(b[0], b[1])[0];
    }

    @Benchmark
    public Object predictStep() {
        Tensor[] b = batches[next++ & (BATCHES - 1)];
        CompiledGraph g = trainer.prepare(StepKind.PREDICT, b[0], null);
        g.run();
        return g.output("output");
    }

    /** examples/NAME from the working directory or a parent of it. */
    static Path example(String name) {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path f = d.resolve("examples").resolve(name);
            if (Files.isRegularFile(f)) return f;
        }
        throw new IllegalStateException("examples/" + name + " not found from " + Path.of("").toAbsolutePath() + "; run from the repository");
    }

    private static Dataset mnist() {
        try {
            return Datasets.load("mnist", DatasetOptions.defaults().withDownload(false));
        } catch (RuntimeException e) {
            System.err.println("TrainStepBench: MNIST not found (" + e.getMessage() + "); timing random bytes");
            return null;
        }
    }
}
