package dlm.compiler.check;

import dlm.compiler.ast.Ast;
import dlm.compiler.check.TrainConfig.Head;
import dlm.compiler.check.Value.ConfigV;
import dlm.compiler.check.Value.FunV;
import dlm.compiler.check.Value.ListV;
import dlm.compiler.data.DataSource;
import dlm.compiler.data.DataSources;
import dlm.compiler.data.NotedException;
import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceSpan;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.TensorType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Keras's functional fit, checked: a model of several inputs (each fed by name from a data
 * source) or several outputs (a list return), each output with its own loss ({@code loss = ::f}
 * for all, or {@code loss = [::f, ::g]} one per output), loss weight ({@code lossWeights = [1,
 * 0.5]}: the total loss is Σ wᵢ·lossᵢ) and metrics ({@code metrics = [::m]} for every output, or
 * {@code metrics = [[::m], [::n]]} one list per output). A single output may have a loss weight too.
 * Each output's labels are typed as a file source's target is: i32 class indices when its loss
 * indexes classes, else f32 values shaped as the output.
 */
final class Heads {
    private Heads() {}

    /** Whether the block is trained by heads: several inputs or outputs, lossWeights, or a loss or metrics given per output. */
    static boolean wanted(CheckedModel model, Map<String, Value> settings) {
        return model.graph().inputs().size() > 1 || outputKeys(model.graph()).size() > 1 || settings.containsKey("lossWeights")
                || settings.get("loss") instanceof ListV || settings.get("metrics") instanceof ListV l && l.items().stream().anyMatch(m -> m instanceof ListV);
    }

    /** The model's outputs: {@code output}, or {@code output0}, {@code output1}, … for a list return. */
    static List<String> outputKeys(Graph g) {
        if (g.output("output") != null) return List.of("output");
        List<String> keys = new ArrayList<>();
        for (int i = 0; g.output("output" + i) != null; i++) keys.add("output" + i);
        return keys;
    }

    static List<Head> check(Ast.TrainDecl t, CheckedModel model, Map<String, Value> settings, Map<String, Ast.Setting> where, TensorType builtinLabels) {
        Graph g = model.graph();
        List<String> keys = outputKeys(g);
        SourceSpan modelAt = model.decl().nameSpan();
        if (keys.isEmpty()) throw new DlmException(t.modelSpan(), Checker.noTrainOutput(t.model(), g));
        List<String> names = new ArrayList<>();
        for (String k : keys) names.add(name(g.output(k), k, names));
        String shown = keys.size() == 1 ? "1 output (" + names.get(0) + ")" : keys.size() + " outputs (" + String.join(", ", names) + ")";
        ConfigV data = (ConfigV) settings.get("data");
        boolean fileSource = data.args().get(DataBuiltins.SOURCE) instanceof DataSource;
        if ((g.inputs().size() > 1 || keys.size() > 1) && !fileSource)
            throw new NotedException(where.get("data").value().span(), data.name() + "() gives one input and one label a sample, but model " + t.model() + " takes "
                    + g.inputs().size() + (g.inputs().size() == 1 ? " input" : " inputs") + " and returns " + shown
                    + ": feed it from a data source by name, such as npz(\"data.npz\", targets = [\"…\"])", modelAt, "model " + t.model() + " is declared here");
        for (String k : List.of("classWeight"))
            if (settings.containsKey(k))
                throw new DlmException(where.get(k).keySpan(), "classWeight weighs the classes of one loss: it cannot be combined with lossWeights or a loss per output");
        if (fileSource && DataSources.sampleWeightAt((DataSource) data.args().get(DataBuiltins.SOURCE)) != null)
            throw new DlmException(DataSources.sampleWeightAt((DataSource) data.args().get(DataBuiltins.SOURCE)),
                    "sample weights cannot be combined with lossWeights or a loss per output yet");
        for (String k : List.of("kFold", "validationData"))
            if (settings.containsKey(k) && (g.inputs().size() > 1 || keys.size() > 1))
                throw new NotedException(where.get(k).keySpan(), k + " is not supported yet for a model of several inputs or outputs (model " + t.model() + " takes "
                        + g.inputs().size() + (g.inputs().size() == 1 ? " input" : " inputs") + " and returns " + shown + ")", modelAt, "model " + t.model() + " is declared here");
        List<FunV> losses = perOutput(settings.get("loss"), where.get("loss"), keys.size(), shown, "loss", "one loss per output, in order", t, modelAt);
        List<Double> weights = new ArrayList<>();
        if (settings.get("lossWeights") instanceof Value.TensorV lwv) {
            dlm.runtime.Tensor lw = (dlm.runtime.Tensor) lwv.node().attrs().get("value");
            if (lw.size() != keys.size())
                throw new NotedException(where.get("lossWeights").value().span(), "lossWeights has " + lw.size() + (lw.size() == 1 ? " weight" : " weights")
                        + " but model " + t.model() + " returns " + shown + ": give one weight per output, in order", modelAt, "model " + t.model() + " is declared here");
            for (int k = 0; k < lw.size(); k++) {
                double w = lw.getDouble(k);
                if (!(w >= 0) || Double.isInfinite(w))
                    throw new DlmException(where.get("lossWeights").value().span(), "lossWeights must be finite and not negative, got " + Show.number(w));
                weights.add(w);
            }
        } else {
            for (int i = 0; i < keys.size(); i++) weights.add(1.0);
        }
        List<List<FunV>> metrics = new ArrayList<>();
        Value mv = settings.get("metrics");
        if (mv instanceof ListV ml && ml.items().stream().anyMatch(m -> m instanceof ListV)) {
            if (ml.items().size() != keys.size() || !ml.items().stream().allMatch(m -> m instanceof ListV))
                throw new NotedException(where.get("metrics").value().span(), "metrics given per output must be one list per output, in order, but model " + t.model() + " returns "
                        + shown + " and metrics has " + ml.items().size() + (ml.items().size() == 1 ? " item" : " items"), modelAt, "model " + t.model() + " is declared here");
            for (Value m : ml.items()) metrics.add(((ListV) m).items().stream().map(x -> (FunV) x).toList());
        } else {
            List<FunV> all = mv instanceof ListV ml ? ml.items().stream().map(x -> (FunV) x).toList() : List.of();
            for (int i = 0; i < keys.size(); i++) metrics.add(all);
        }
        for (Node in : g.inputs()) if (fileSource) SourceFit.checkInput(t, in, where.get("data").value().span());
        List<Head> heads = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            Node out = g.output(keys.get(i));
            TensorType labels = fileSource ? SourceFit.labels(t, out, losses.get(i), where, g.inputs().get(0).type().shape().dim(0)) : builtinLabels;
            Elaborator el = new Elaborator(new Graph(), null);
            Elaborator.Frame frame = new Elaborator.Frame("", "script");
            TrainBlock.applyLoss(el, losses.get(i), where.get("loss"), labels, out.type(), frame, true, false);
            for (FunV m : metrics.get(i)) TrainBlock.applyLoss(el, m, where.get("metrics"), labels, out.type(), frame, false, false);
            heads.add(new Head(keys.get(i), names.get(i), labels, losses.get(i), weights.get(i), metrics.get(i), TrainBlock.indexedClasses(el.graph)));
        }
        return heads;
    }

    /**
     * Refuses, at the data source's argument with a note at the model, a file source that names
     * another number of input arrays or column lists than the model has inputs, or of targets than
     * it has outputs (a source that names none feeds them by the model's names).
     */
    static void checkNames(Ast.TrainDecl t, CheckedModel model, DataSource source, SourceSpan dataAt) {
        Graph g = model.graph();
        List<Node> inputs = g.inputs();
        List<String> keys = outputKeys(g);
        if (keys.isEmpty()) return;
        List<String> names = new ArrayList<>();
        for (String k : keys) names.add(name(g.output(k), k, names));
        String ins = inputs.size() + (inputs.size() == 1 ? " input (" : " inputs (") + String.join(", ", inputs.stream().map(Node::name).toList()) + ")";
        String outs = keys.size() + (keys.size() == 1 ? " output (" : " outputs (") + String.join(", ", names) + ")";
        SourceSpan inputAt = inputs.get(0).span(), outputAt = g.output(keys.get(0)).span();
        String inNote = "model " + t.model() + "'s " + (inputs.size() == 1 ? "input is" : "first input is") + " declared here";
        String outNote = "model " + t.model() + "'s " + (keys.size() == 1 ? "output is" : "first output is") + " made here";
        switch (DataSources.base(source)) {
            case DataSource.Npz z -> {
                if (z.inputs() != null && z.inputs().size() != inputs.size())
                    throw new NotedException(z.inputsAt(), "'inputs' of npz() names " + count(z.inputs().size(), "array") + ", but model " + t.model() + " takes " + ins
                            + ": name one array per input, in order", inputAt, inNote);
                int given = z.targets() != null ? z.targets().size() : z.target() != null ? 1 : -1;
                if (given < 0 && keys.size() == 1 && keys.get(0).equals("output"))
                    throw new DlmException(z.at(), "npz() needs a target array: npz(\"" + z.shown() + "\", inputs = [\"x\"], target = \"y\")");
                if (given >= 0 && given != keys.size())
                    throw new NotedException(z.targets() != null ? z.targetsAt() : z.targetAt(), "npz() gives " + count(given, "target array") + ", but model " + t.model()
                            + " returns " + outs + ": name one array per output with targets = [\"…\"], in order", outputAt, outNote);
            }
            case DataSource.Csv c -> {
                if (c.featureGroups() != null && c.featureGroups().size() != inputs.size())
                    throw new NotedException(c.featuresAt(), "'features' of csv() gives " + count(c.featureGroups().size(), "list") + " of columns, but model " + t.model()
                            + " takes " + ins + ": give one list of columns per input, in order", inputAt, inNote);
                if (c.featureGroups() == null && inputs.size() > 1)
                    throw new NotedException(c.features() != null ? c.featuresAt() : c.at(), "model " + t.model() + " takes " + ins
                            + ": give csv() one list of columns per input, such as features = [[\"a\", \"b\"], [\"c\"]]", inputAt, inNote);
                int given = c.targets() != null ? c.targets().size() : 1;
                if (given != keys.size())
                    throw new NotedException(c.targetAt(), "csv() gives " + count(given, "target column") + ", but model " + t.model() + " returns " + outs
                            + ": name one column per output with targets = [\"…\"], in order", outputAt, outNote);
            }
            default -> { }
        }
    }

    private static String count(int n, String what) { return n + " " + what + (n == 1 ? "" : "s"); }

    /** The name an output's losses and metrics are reported under: the value it returns ({@code price}), or {@code output0} for an unnamed one; unique. */
    private static String name(Node out, String key, List<String> taken) {
        String n = out.name();
        if (n == null || n.isEmpty() || !n.matches("[A-Za-z_][A-Za-z0-9_]*") || taken.contains(n)) n = key;
        return n;
    }

    /** A setting given for every output ({@code ::f}) or per output ({@code [::f, ::g]}), one per output. */
    private static List<FunV> perOutput(Value v, Ast.Setting at, int outputs, String shown, String what, String how, Ast.TrainDecl t, SourceSpan modelAt) {
        if (v instanceof FunV f) {
            List<FunV> all = new ArrayList<>();
            for (int i = 0; i < outputs; i++) all.add(f);
            return all;
        }
        List<Value> items = ((ListV) v).items();
        if (items.size() != outputs)
            throw new NotedException(at.value().span(), what + " has " + items.size() + (items.size() == 1 ? " function" : " functions") + " but model " + t.model()
                    + " returns " + shown + ": give " + how, modelAt, "model " + t.model() + " is declared here");
        return items.stream().map(x -> (FunV) x).toList();
    }
}
