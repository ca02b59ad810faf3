package dlm.compiler.codegen;

import dlm.compiler.diag.DlmException;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.compiler.check.RuntimeInputs;
import dlm.compiler.passes.BindInputs;
import dlm.compiler.passes.PassPipeline;
import dlm.compiler.passes.Rewriter;
import dlm.compiler.train.TrainGraph;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.exec.StepClasses;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The code generator's entry points: a graph (or a {@link TrainGraph}'s train, eval or predict
 * step) with its symbolic dims bound to concrete sizes becomes one JVM class implementing
 * {@link dlm.runtime.exec.CompiledStep}.
 *
 * <p>Pipeline: the standard passes ({@link PassPipeline#standard()}), then {@link Planner}
 * (fusion, views, in-place updates, schedule, memory plan), then {@link ClassGen} (ASM, class
 * version 25, one method per step, {@code SourceFile}/{@code LineNumberTable} from the nodes'
 * spans), defined as a hidden class ({@link StepClasses}).
 */
public final class Codegen {
    private Codegen() {}

    /** Which step of a train block. */
    public enum StepKind {
        /** forward, loss, metrics, backward, optimizer update (params and slots in place) */
        TRAIN,
        /** forward, loss and metrics */
        EVAL,
        /** the forward pass: the model's output */
        PREDICT;

        public String lower() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    /**
     * @param hidden    define the class as a hidden class (else in a class loader of its own, whose
     *                  frames show in stack traces natively)
     * @param runPasses run {@link PassPipeline#standard()} before planning
     */
    public record Options(boolean hidden, boolean runPasses) {
        public static Options defaults() { return new Options(true, true); }

        public Options withHidden(boolean h) { return new Options(h, runPasses); }

        public Options withRunPasses(boolean r) { return new Options(hidden, r); }
    }

    // ---- any graph -----------------------------------------------------------------------------------

    /**
     * Compiles {@code g}'s outputs for inputs of the given shapes (by input name; inputs not
     * listed must have static shapes). {@code inPlace} maps output names to the input or param
     * whose array they overwrite.
     */
    public static Compilation compile(Graph g, Map<String, int[]> inputShapes, Map<String, String> inPlace, String className, Options o) {
        Graph opt = o.runPasses() ? PassPipeline.beforeCodegen().apply(PassPipeline.standard().apply(g)) : g;
        Map<String, Dim> binding = bind(opt, inputShapes);
        Planner plan = new Planner(opt, binding, inPlace);
        String source = sourceFileOf(opt);
        ClassGen gen = new ClassGen(plan, StepClasses.PACKAGE + className, source);
        return new Compilation(opt, plan, gen, o.hidden());
    }

    public static Compilation compile(Graph g, Map<String, int[]> inputShapes) {
        return compile(g, inputShapes, Map.of(), "Graph", Options.defaults());
    }

    /** Binds symbolic dims from the inputs' actual shapes, as the interpreter does. */
    static Map<String, Dim> bind(Graph g, Map<String, int[]> inputShapes) {
        Map<String, Dim> binding = new HashMap<>();
        for (Node in : g.inputs()) {
            int[] actual = inputShapes.get(in.name());
            if (actual == null) continue;
            Shape st = in.type().shape();
            if (actual.length != st.rank())
                throw new DlmException(in.span(), "input '" + in.name() + "' expects " + in.type() + ", got shape " + Shape.of(actual).tuple());
            for (int a = 0; a < actual.length; a++) {
                Dim d = st.dim(a).substitute(binding);
                if (d.isKnown()) {
                    if (d.coefficient() != actual[a])
                        throw new DlmException(in.span(), "input '" + in.name() + "' expects " + in.type() + ", got shape " + Shape.of(actual).tuple());
                } else if (d.symbols().size() == 1 && actual[a] % d.coefficient() == 0) {
                    binding.put(d.symbols().get(0), Dim.of(actual[a] / d.coefficient()));
                }
            }
        }
        return binding;
    }

    /** The .dlm file most nodes come from (the class's SourceFile). */
    static String sourceFileOf(Graph g) {
        Map<String, Integer> counts = new HashMap<>();
        for (Node n : g.nodes()) {
            String f = ClassGen.sourceFileOf(n);
            if (f != null) counts.merge(f, 1, Integer::sum);
        }
        return counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("<graph>");
    }

    // ---- train blocks --------------------------------------------------------------------------------

    /** The graph of one step kind: the train graph with only that kind's outputs, optimized. */
    public static Graph stepGraph(TrainGraph tg, StepKind kind) {
        // the steps are only ever compiled, so the kernels' fused forms are made here too
        return PassPipeline.beforeCodegen().apply(primitiveStepGraph(tg, kind));
    }

    /**
     * {@link #stepGraph} before the rewrites into fused kernel forms: primitive ops only,
     * the training flag bound and folded, simplified (what ONNX export writes).
     */
    public static Graph primitiveStepGraph(TrainGraph tg, StepKind kind) {
        Graph g = Rewriter.copyOf(tg.graph).graph();
        Map<String, Node> outs = new LinkedHashMap<>(g.outputs());
        g.clearOutputs();
        for (var e : outs.entrySet()) {
            String name = e.getKey();
            boolean update = name.startsWith("update:") || name.startsWith("slot:");
            boolean lossOrMetric = name.equals("loss") || tg.metricNames.contains(name);
            // the train step reports its own (class-weighted) loss and metrics when the graph has them
            boolean trainOwn = name.startsWith(TrainGraph.TRAIN_PREFIX);
            boolean keep = switch (kind) {
                case TRAIN -> update || trainOwn || (lossOrMetric && !outs.containsKey(TrainGraph.TRAIN_PREFIX + name));
                case EVAL -> lossOrMetric;
                case PREDICT -> name.equals("output") || tg.outputs.size() > 1 && name.matches("output\\d+");
            };
            if (keep) g.setOutput(trainOwn ? name.substring(TrainGraph.TRAIN_PREFIX.length()) : name, e.getValue());
        }
        // The training flag is a constant of each step, so the branch not taken folds away.
        Tensor training = Tensor.scalar(DType.BOOL, kind == StepKind.TRAIN ? 1 : 0);
        return PassPipeline.standard().apply(BindInputs.apply(g, Map.of(RuntimeInputs.TRAINING, training)));
    }

    /** For a train step: {@code update:W} overwrites param W, {@code slot:W/m} the slot input {@code W/m}. */
    public static Map<String, String> inPlaceOutputs(TrainGraph tg, StepKind kind) {
        Map<String, String> m = new LinkedHashMap<>();
        if (kind != StepKind.TRAIN) return m;
        for (Node p : tg.params) {
            m.put("update:" + p.name(), p.name());
            for (String s : tg.slotNames) m.put("slot:" + p.name() + "/" + s, p.name() + "/" + s);
        }
        for (String s : tg.stateUpdates.keySet()) m.put("update:" + s, s);
        return m;
    }

    /** Compiles one step of a train block for one batch size. */
    public static Compilation compile(TrainGraph tg, StepKind kind, int batchSize, Options o) {
        return compile(stepGraph(tg, kind), stepShapes(tg, kind, batchSize), inPlaceOutputs(tg, kind), className(tg, kind, batchSize), o.withRunPasses(false));
    }

    /**
     * How many times each fusion rule fires in one step of a train block ({@code dlmc graph --stats}):
     * the step is planned, but no class is generated (so no kernel class is loaded).
     */
    public static List<RuleFiring> fusionRules(TrainGraph tg, StepKind kind, int batchSize) {
        Graph g = stepGraph(tg, kind);
        return RuleFiring.of(new Planner(g, bind(g, stepShapes(tg, kind, batchSize)), inPlaceOutputs(tg, kind)));
    }

    /** The shapes of a step's inputs: images, labels unless the step predicts, and a train step's sample weights when it takes them. */
    private static Map<String, int[]> stepShapes(TrainGraph tg, StepKind kind, int batchSize) {
        Map<String, int[]> shapes = new HashMap<>();
        for (Node in : tg.inputs) shapes.put(in.name(), concreteLeading(in, batchSize));
        if (kind != StepKind.PREDICT) for (Node l : tg.labelInputs) shapes.put(l.name(), concreteLeading(l, batchSize));
        if (kind == StepKind.TRAIN && tg.sampleWeight != null) shapes.put(tg.sampleWeight.name(), concreteLeading(tg.sampleWeight, batchSize));
        return shapes;
    }

    public static Compilation compile(TrainGraph tg, StepKind kind, int batchSize) { return compile(tg, kind, batchSize, Options.defaults()); }

    /** The class file of one step ({@code dlmc compile}). */
    public static byte[] classBytes(TrainGraph tg, StepKind kind, int batchSize) { return compile(tg, kind, batchSize).classBytes(); }

    /** The annotated disassembly of one step ({@code dlmc disasm}). */
    public static String disassemble(TrainGraph tg, StepKind kind, int batchSize) { return compile(tg, kind, batchSize).disassemble(); }

    /** Every step's class file by file name ({@code Mnist_train_b128.class}, …), for {@code dlmc compile --out DIR}. */
    public static Map<String, byte[]> classFiles(TrainGraph tg, int batchSize) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (StepKind k : StepKind.values()) {
            Compilation c = compile(tg, k, batchSize);
            m.put(c.simpleName() + ".class", c.classBytes());
        }
        return m;
    }

    /** The images input's shape with its leading (batch) dim set to {@code batch}; other dims must be static. */
    private static int[] concreteLeading(Node input, int batch) {
        List<Dim> dims = input.type().shape().dims();
        int[] s = new int[dims.size()];
        for (int a = 0; a < s.length; a++) {
            Dim d = dims.get(a);
            if (a == 0) s[a] = batch;
            else if (d.isKnown()) s[a] = d.size();
            else throw new DlmException(input.span(), "cannot compile: only the leading (batch) dim of '" + input.name() + "' may be symbolic, got " + input.type());
        }
        return s;
    }

    public static String className(TrainGraph tg, StepKind kind, int batchSize) {
        String f = ClassGen.sourceFileOf(tg.images);
        String base = f == null ? "Model" : f.replaceAll("\\.dlm$", "");
        StringBuilder sb = new StringBuilder();
        boolean up = true;
        for (char ch : base.toCharArray()) {
            if (!Character.isLetterOrDigit(ch)) { up = true; continue; }
            sb.append(up ? Character.toUpperCase(ch) : ch);
            up = false;
        }
        if (sb.isEmpty() || !Character.isJavaIdentifierStart(sb.charAt(0))) sb.insert(0, 'M');
        return sb + "_" + kind.lower() + "_b" + batchSize;
    }

    static String fileName(Path p) { return p.getFileName().toString(); }
}
