package dlm.maven;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.check.TrainConfig;
import dlm.compiler.check.Value;
import dlm.compiler.codegen.Codegen;
import dlm.compiler.codegen.Codegen.StepKind;
import dlm.compiler.codegen.Compilation;
import dlm.compiler.diag.DlmException;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.RowDependence;
import dlm.compiler.ir.TensorType;
import dlm.compiler.train.TrainGraph;
import dlm.runtime.DType;
import dlm.runtime.exec.StepLayout;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.Map;

/**
 * Compiles one {@code .dlm} file ahead of time: the predict step of its train block's model as an
 * ordinary class file (not a hidden class: it is loaded from the application's class path), its
 * {@link dlm.runtime.exec.StepLayout} as a resource, and a typed Java facade
 * ({@code MnistModel.load(weights).predict(images)}) over {@link dlm.runtime.exec.PrecompiledModel}.
 * What it produces needs only the runtime at run time.
 */
public final class ModelCompiler {
    private ModelCompiler() {}

    /**
     * What one file compiles to, by path relative to the output folders: class files and resources
     * (for the classes folder) and the facade's source (for the generated sources folder).
     */
    public record Output(String facade, Map<String, byte[]> classes, Map<String, byte[]> resources, Map<String, String> sources, String rowsMixAt) {
        /** Whether the facade predicts any number of rows (else whole batches only: the model mixes rows at {@link #rowsMixAt}). */
        public boolean rowsIndependent() { return rowsMixAt == null; }
    }

    /**
     * Compiles {@code file}'s predict step for {@code batchSize} rows (0: the train block's
     * {@code batchSize}, else 32) with a facade in {@code packageName}.
     *
     * @throws DlmException located in the file, when it has an error or no (or several) train blocks
     */
    public static Output compile(Path file, String packageName, int batchSize) throws IOException {
        CheckedProgram p = Frontend.load(file);
        if (p.trains().size() != 1)
            throw new DlmException(new dlm.compiler.diag.SourceSpan(dlm.compiler.diag.SourceFile.of(file.toString(), ""), 1, 1, 1, 1),
                    (p.trains().isEmpty() ? "no train(Model) { … } block" : "several train blocks")
                            + ": the model compiled is the one a single train block names");
        TrainConfig config = p.trains().get(0);
        TrainGraph tg = TrainGraph.build(p, config);
        if (tg.byName())
            throw new DlmException(config.model().decl().nameSpan(), "the facade dlm-maven-plugin generates takes one input and gives one output; model "
                    + config.model().name() + " takes " + tg.inputs.size() + (tg.inputs.size() == 1 ? " input" : " inputs") + " and returns "
                    + tg.outputs.size() + (tg.outputs.size() == 1 ? " output" : " outputs") + " (use DlmModel from dlm-api, or dlmc predict)");
        int batch = batchSize > 0 ? batchSize : config.settings().get("batchSize") instanceof Value.NumberV n ? (int) n.asLong() : 32;
        Compilation c = Codegen.compile(tg, StepKind.PREDICT, batch, Codegen.Options.defaults().withHidden(false));
        String rowsMixAt = rowsMixAt(tg);
        String facade = javaName(tg.feed().model()) + "Model";
        String pkgPath = packageName.isEmpty() ? "" : packageName.replace('.', '/') + "/";
        String layoutResource = pkgPath + facade + ".step";
        ByteArrayOutputStream layout = new ByteArrayOutputStream();
        onlyWeights(c.layout(), tg).write(layout);
        Map<String, byte[]> classes = new LinkedHashMap<>();
        classes.put(c.className().replace('.', '/') + ".class", c.classBytes());
        Map<String, byte[]> resources = new LinkedHashMap<>();
        resources.put(layoutResource, layout.toByteArray());
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put(pkgPath + facade + ".java", facadeSource(packageName, facade, file.getFileName().toString(), tg, batch, layoutResource, rowsMixAt));
        return new Output(facade, classes, resources, sources, rowsMixAt);
    }

    /**
     * The layout with the step's inputs that prediction does not read (the labels, the step
     * counter, optimizer slots: the train graph's inputs, kept by the predict step) turned into
     * zero arrays, so that only the model's input and its weights are bound by name — and every
     * weight must be in the weights file.
     */
    static StepLayout onlyWeights(StepLayout layout, TrainGraph tg) {
        java.util.Set<String> named = new java.util.HashSet<>();
        named.add(tg.images.name());
        for (var w : tg.weights()) named.add(w.name());
        java.util.List<StepLayout.Slot> slots = new java.util.ArrayList<>();
        for (StepLayout.Slot s : layout.slots())
            slots.add(s instanceof StepLayout.External e && !named.contains(e.name()) ? new StepLayout.Scratch(e.dtype(), size(e.shape())) : s);
        return new StepLayout(layout.className(), slots, layout.outputs());
    }

    /**
     * Where the predict graph (primitive ops, as ONNX export sees it) first mixes batch rows in
     * what the output reads — {@code "'mean' at model.dlm:7:12"} — or null when every output row
     * reads its own input row only ({@link RowDependence}).
     */
    static String rowsMixAt(TrainGraph tg) {
        Graph g = Codegen.primitiveStepGraph(tg, StepKind.PREDICT);
        Node output = g.output("output");
        Set<Node> rowInputs = new HashSet<>();
        for (Node n : g.inputs()) if (n.name() != null && n.name().equals(tg.images.name())) rowInputs.add(n);
        return RowDependence.firstMixing(g, rowInputs, java.util.List.of(output)).map(n -> "'" + n.opName() + "'"
                + (n.span().isNone() ? "" : " at " + n.span().fileName() + ":" + n.span().line() + ":" + n.span().column())).orElse(null);
    }

    private static int size(int[] shape) {
        int n = 1;
        for (int d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    /** The facade's Java source: load(weights), predict overloads fitting the model's input and output, batchSize(). */
    static String facadeSource(String pkg, String facade, String fileName, TrainGraph tg, int batch, String layoutResource, String rowsMixAt) {
        TensorType in = tg.images.type(), out = tg.output.type();
        String input = tg.images.name();
        StringBuilder sb = new StringBuilder();
        if (!pkg.isEmpty()) sb.append("package ").append(pkg).append(";\n\n");
        sb.append("import dlm.runtime.Tensor;\nimport dlm.runtime.exec.PrecompiledModel;\nimport java.io.IOException;\nimport java.nio.file.Path;\n\n");
        sb.append("/**\n * Model {@code ").append(tg.feed().model()).append("} of {@code ").append(fileName).append("}, compiled ahead of time by dlm-maven-plugin\n");
        sb.append(" * (generated: do not edit): input {@code ").append(input).append(": ").append(in).append("}, output {@code ").append(out).append("}.\n");
        if (rowsMixAt == null)
            sb.append(" * Its predict step is compiled for batches of ").append(batch).append(" rows; calls take any number of rows. Safe to use\n");
        else
            sb.append(" * Its predict step is compiled for batches of ").append(batch).append(" rows and mixes the rows of a batch (")
                    .append(javadoc(rowsMixAt)).append("),\n * so calls take whole batches only: a multiple of ").append(batch).append(" rows. Safe to use\n");
        sb.append(" * from many threads at once. Needs only the DLM runtime at run time.\n */\n");
        sb.append("public final class ").append(facade).append(" {\n");
        sb.append("    private final PrecompiledModel model;\n\n");
        sb.append("    private ").append(facade).append("(PrecompiledModel model) { this.model = model; }\n\n");
        sb.append("    /** The model with the weights {@code dlmc train --save} (or {@code DlmModel.save}) wrote for it. */\n");
        sb.append("    public static ").append(facade).append(" load(Path weights) throws IOException {\n");
        sb.append("        return new ").append(facade).append("(PrecompiledModel.load(").append(facade).append(".class.getClassLoader(), \"")
                .append(layoutResource).append("\", \"").append(input).append("\", \"output\", weights")
                .append(rowsMixAt == null ? "" : ", " + javaString(rowsMixAt)).append("));\n    }\n\n");
        boolean rowsOut = out.dtype() == DType.F32 && out.rank() == 2;
        if (rowsOut && in.dtype() == DType.U8 && in.rank() == 3) {
            sb.append("    /** Scores of images {@code ").append(input).append("[i][y][x]} (").append(in.shape().dim(1)).append("×").append(in.shape().dim(2))
                    .append(", bytes read as 0..255): one row of ").append(out.shape().dim(1)).append(" per image. */\n");
            sb.append("    public float[][] predict(byte[][][] ").append(input).append(") { return model.predict(").append(input).append("); }\n\n");
        }
        if (rowsOut && in.dtype() == DType.F32 && in.rank() == 2) {
            sb.append("    /** Outputs of feature rows (").append(in.shape().dim(1)).append(" values each): one row of ").append(out.shape().dim(1)).append(" per row. */\n");
            sb.append("    public float[][] predict(float[][] ").append(input).append(") { return model.predict(").append(input).append("); }\n\n");
        }
        sb.append("    /** The output for a batch of any number of rows of the input (").append(in.dtype().dlmName()).append(", rows first). */\n");
        sb.append("    public Tensor predict(Tensor ").append(input).append(") { return model.predict(").append(input).append("); }\n\n");
        sb.append("    /** The batch size the step was compiled for. */\n");
        sb.append("    public int batchSize() { return model.batchSize(); }\n");
        sb.append("}\n");
        return sb.toString();
    }

    /** A Java string literal of {@code s}. */
    static String javaString(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            if (ch == '"' || ch == '\\') sb.append('\\').append(ch);
            else if (ch < 0x20 || ch > 0x7e) sb.append(String.format("\\u%04x", (int) ch));
            else sb.append(ch);
        }
        return sb.append('"').toString();
    }

    /** {@code s} safe inside a Javadoc comment. */
    private static String javadoc(String s) {
        return s.replace("*/", "*&#47;").replace("@", "{@literal @}");
    }

    /** A Java identifier from a model name (already one in practice: DLM names are identifiers). */
    static String javaName(String model) {
        StringBuilder sb = new StringBuilder();
        for (char ch : model.toCharArray()) sb.append(Character.isJavaIdentifierPart(ch) ? ch : '_');
        if (sb.isEmpty() || !Character.isJavaIdentifierStart(sb.charAt(0))) sb.insert(0, 'M');
        sb.setCharAt(0, Character.toUpperCase(sb.charAt(0)));
        return sb.toString();
    }

    /** Maven's error format for a located error: {@code path:[line,column] message}. */
    public static String mavenError(DlmException e) {
        if (e.span().isNone()) return e.getMessage();
        return e.span().fileName() + ":[" + e.span().line() + "," + e.span().column() + "] " + e.getMessage();
    }
}
