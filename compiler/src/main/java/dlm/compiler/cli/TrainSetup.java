package dlm.compiler.cli;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.check.TrainConfig;
import dlm.compiler.check.Value;
import dlm.compiler.data.DataSource;
import dlm.compiler.data.DataSources;
import dlm.compiler.diag.DlmException;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.MemoryEstimate;
import dlm.compiler.train.CompiledTrainer;
import dlm.compiler.train.ClusterBackend;
import dlm.compiler.train.InterpretedTrainer;
import dlm.compiler.train.ShardedTrainer;
import dlm.compiler.train.Trainer;
import dlm.compiler.train.TrainGraph;
import dlm.runtime.data.Dataset;
import dlm.runtime.data.DatasetException;
import dlm.runtime.data.DatasetOptions;
import dlm.runtime.data.Datasets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** What train, eval and predict share: the file's train block, its data, and a trainer for it. */
final class TrainSetup {
    final CheckedProgram program;
    final TrainConfig config;
    final TrainGraph graph;
    final long seed;
    final String backend;
    /** Where loading the data tells what it found (an image folder's classes). */
    private final Console console;

    private TrainSetup(CheckedProgram program, TrainConfig config, long seed, String backend, Console console) {
        this(program, config, TrainGraph.build(program, config), seed, backend, console);
    }

    private TrainSetup(CheckedProgram program, TrainConfig config, TrainGraph graph, long seed, String backend, Console console) {
        this.program = program;
        this.config = config;
        this.graph = graph;
        this.seed = seed;
        this.backend = backend;
        this.console = console;
    }

    /**
     * The options of the commands that run a train block's model: {@code --data}
     * and, when the command draws random numbers, {@code --seed} described as {@code seedUse}
     * (eval and predict take their weights from a checkpoint and draw none), and {@code --backend}
     * unless the command only runs compiled code (profile).
     */
    static void addOptions(Options o, String seedUse) { addOptions(o, seedUse, true); }

    static void addOptions(Options o, String seedUse, boolean backend) {
        o.addOption(Option.builder().longOpt("data").hasArg().argName("DIR").desc("folder holding the dataset files (else $DLM_DATA, ~/.dlm/datasets, or download)").get());
        if (seedUse != null)
            o.addOption(Option.builder().longOpt("seed").hasArg().argName("S").desc("random seed for " + seedUse + " (default: the train block's seed, else 0)").get());
        if (backend) o.addOption(Option.builder().longOpt("backend").hasArg().argName("jit|interp").desc("jit: compiled to JVM bytecode (default); interp: the reference interpreter").get());
    }

    static TrainSetup load(CommandLine cl, Console c) throws java.io.IOException {
        Path file = Args.file(cl);
        CheckedProgram p = Programs.load(file, c);
        if (p.trains().isEmpty())
            throw new UsageException(file + " has no train(Model) { … } block");
        if (p.trains().size() > 1)
            throw new UsageException(file + " has several train blocks; only one is supported");
        String backend = Args.choice(cl, "backend", "jit", "jit", "interp");
        TrainConfig t = p.trains().get(0);
        long seed = cl.hasOption("seed") ? Args.longValue(cl, "seed") : t.settings().get("seed") instanceof Value.NumberV n ? n.asLong() : 0;
        return new TrainSetup(p, t, seed, backend, c);
    }

    /** A set-up for a train block whose graph is already built (the Java API's {@link TrainRun#fit}). */
    static TrainSetup of(CheckedProgram program, TrainConfig config, TrainGraph graph, long seed, String backend, Console console) {
        return new TrainSetup(program, config, graph, seed, backend, console);
    }

    /**
     * Refuses, at the train block, a model whose tensors at this batch size (params, optimizer
     * slots, gradients, activations) cannot fit in what the JVM's heap has left.
     */
    void checkMemory(int batchSize) {
        MemoryEstimate.training(graph.graph, batchSize).require(config.decl().span(),
                "training " + config.model().name() + " at batch size " + batchSize, MemoryEstimate.available());
    }

    /** A trainer on the chosen backend, its params initialized from the seed (after {@link #checkMemory} at batch size 1). */
    Trainer trainer() {
        checkMemory(1);
        ParamStore params = ParamStore.initialize(graph.graph, seed);
        Trainer t = backend.equals("interp") ? new InterpretedTrainer(graph, params) : new CompiledTrainer(graph, params);
        t.randomSeed(seed);
        return t;
    }

    /** A data-parallel trainer of {@code shards} shards computed in this JVM ({@code --shards}; compiled only). */
    Trainer shardedTrainer(int shards, int syncEvery, String sparkMaster, Path file) throws java.io.IOException {
        if (!backend.equals("jit")) throw new UsageException("--shards runs compiled steps; it cannot be combined with --backend " + backend);
        if (graph.byName())
            throw new dlm.compiler.data.NotedException(config.decl().span(), "--shards trains a model of one input and one output; model " + config.model().name() + " takes "
                    + graph.inputs.size() + (graph.inputs.size() == 1 ? " input" : " inputs") + " and returns " + graph.outputs.size()
                    + (graph.outputs.size() == 1 ? " output" : " outputs") + ": train it without --shards", config.model().decl().nameSpan(), "model " + config.model().name() + " is declared here");
        checkMemory(1);
        ParamStore params = ParamStore.initialize(graph.graph, seed);
        Trainer t;
        if (sparkMaster == null) {
            t = new ShardedTrainer(graph, params, shards, syncEvery, ShardedTrainer.local(graph, params));
        } else {
            ClusterBackend spark = java.util.ServiceLoader.load(ClusterBackend.class).stream().map(java.util.ServiceLoader.Provider::get)
                    .filter(b -> b.name().equals("spark")).findFirst()
                    .orElseThrow(() -> new UsageException("--spark needs the dlm-spark jar and Spark's jars on the class path: run ./dlmc with SPARK_HOME set"
                            + " after building spark/ (mvn -Pspark package), or use spark-submit --class dlm.spark.SparkTrain spark/target/dlm-spark.jar"));
            t = new ShardedTrainer(graph, params, shards, syncEvery,
                    spark.open(sparkMaster, file.getFileName().toString(), java.nio.file.Files.readString(file), graph, params, shards, syncEvery));
        }
        t.randomSeed(seed);
        return t;
    }

    Dataset dataset(CommandLine cl) { return dataset(cl, "data"); }

    /** The dataset a setting names ({@code data} or {@code validationData}), located at that setting when it cannot be read. */
    Dataset dataset(CommandLine cl, String key) {
        return dataset(cl.hasOption("data") ? Path.of(cl.getOptionValue("data")) : null, key);
    }

    /** {@link #dataset(CommandLine, String)} with {@code --data}'s folder, or null. */
    Dataset dataset(Path dataDir, String key) {
        if (((Value.ConfigV) config.settings().get(key)).args().get("source") instanceof DataSource source) {
            if (graph.byName()) {
                java.util.List<dlm.compiler.data.ModelFeed> ins = new java.util.ArrayList<>(), outs = new java.util.ArrayList<>();
                for (int i = 0; i < graph.inputs.size(); i++) ins.add(graph.feed(i, 0));
                for (int h = 0; h < graph.outputs.size(); h++) outs.add(graph.feed(0, h));
                return DataSources.load(source, ins, outs, graph.outputNames);
            }
            return DataSources.load(source, graph.feed(), console.out()::println);
        }
        String name = switch (((Value.ConfigV) config.settings().get(key)).name()) {
            case "fashionMnist" -> "fashion-mnist";
            case "cifar10" -> "cifar10";
            case "bostonHousing" -> "boston-housing";
            default -> "mnist";
        };
        DatasetOptions d = DatasetOptions.defaults();
        if (dataDir != null) {
            d = d.withDataDir(dataDir);
        }
        try {
            Dataset loaded = shapeLabels(Datasets.load(name, d));
            // as an image folder's are, the classes are printed at load (Keras prints them)
            if (name.equals("cifar10"))
                console.out().println("cifar10: 10 classes: " + String.join(", ", dlm.runtime.data.Cifar10.CLASSES));
            return loaded;
        } catch (DatasetException e) {
            // not a silent fallback: the CSV is not the checksummed npz, and its rows need not be in Keras's order
            String offline = name.equals("boston-housing") ? "\nOffline, the same table ships as a CSV (examples/data/boston_housing.csv): "
                    + "data = split(csv(\"data/boston_housing.csv\", target = \"medv\"), test = 0.2, seed = 1), as examples/boston_housing.dlm does." : "";
            throw new DlmException(settingSpan(key), e.getMessage() + offline);
        }
    }

    /**
     * A built-in regression dataset's targets [n] as [n, 1] when the train block types them so
     * (a model whose output is [batch, 1], see TrainBlock); other data as it is.
     */
    Dataset shapeLabels(Dataset d) {
        if (config.labels().rank() != 2 || d.trainLabels().rank() != 1 || d.byName() != null) return d;
        return new Dataset(d.name(), d.trainImages(), column(d.trainLabels()), d.testImages(), column(d.testLabels()), d.trainWeights(), d.testWeights());
    }

    private static dlm.runtime.Tensor column(dlm.runtime.Tensor t) {
        return dlm.runtime.Tensor.wrap(t.dtype(), new int[] {t.dim(0), 1}, t.storage());
    }

    /** {@link #dataset}, which must have a test part (eval, predict): a file source that is not split has none. */
    Dataset testable(CommandLine cl) {
        Dataset d = dataset(cl);
        if (d.testImages().dim(0) == 0)
            throw new DlmException(config.decl().settings().stream().filter(s -> s.key().equals("data")).findFirst().orElseThrow().value().span(),
                    "this data has no test part to evaluate on: hold one out with split(…, test = 0.2)");
        return d;
    }

    /** {@link #dataset} on a background thread, so that setting up the trainer overlaps reading and decoding the files. */
    CompletableFuture<Dataset> datasetInBackground(CommandLine cl) {
        return CompletableFuture.supplyAsync(() -> dataset(cl), r -> Thread.ofPlatform().name("dlm-data").daemon().start(r));
    }

    /** The dataset of {@link #datasetInBackground}, or the exception its loading threw, as {@link #dataset} would have thrown it. */
    static Dataset await(CompletableFuture<Dataset> loading) {
        try {
            return loading.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw e;
        }
    }

    /** Where the train block gives a setting's value (for errors about it found at run time). */
    dlm.compiler.diag.SourceSpan settingSpan(String key) {
        return config.decl().settings().stream().filter(s -> s.key().equals(key)).findFirst().map(s -> s.value().span()).orElse(config.decl().span());
    }

    int intSetting(CommandLine cl, String opt, String key, int dflt) {
        if (cl.hasOption(opt)) return (int) Args.inRange(cl, opt, 1, Integer.MAX_VALUE);
        return config.settings().get(key) instanceof Value.NumberV n ? (int) n.asLong() : dflt;
    }
}
