package dlm.compiler.check;

import dlm.compiler.ast.Ast;
import dlm.compiler.check.Value.*;
import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceSpan;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.compiler.ops.OpRegistry;
import dlm.runtime.DType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks a {@code train(Model) { … }} block: known settings with values of the right kind, a
 * dataset whose batches fit the model's input, and a loss and metrics that apply to the model's
 * output and the dataset's labels (checked by elaborating them on a scratch graph).
 */
final class TrainBlock {
    private TrainBlock() {}

    /** The settings a train block accepts, and what each must be. */
    static final Map<String, String> SETTINGS = new TreeMap<>(Map.ofEntries(
            Map.entry("data", "a dataset such as mnist() or csv(\"data.csv\", target = \"y\")"),
            Map.entry("loss", "a loss function such as ::sparseCategoricalCrossentropy, or a list of one per model output"),
            Map.entry("optimizer", "an optimizer such as adam(learningRate = 1e-3)"),
            Map.entry("metrics", "a list of metric functions such as [::accuracy], or one such list per model output"),
            Map.entry("epochs", "an Int from 1 to 2147483647"),
            Map.entry("batchSize", "an Int from 1 to 2147483647"),
            Map.entry("seed", "an Int"),
            Map.entry("validationSplit", "a number greater than 0 and less than 1 (the last fraction of the training data, held out)"),
            Map.entry("validationData", "a dataset split such as mnist(split = \"test\"), or a data source such as csv(\"val.csv\", target = \"y\"), evaluated after every epoch"),
            Map.entry("callbacks", "a list of callbacks such as [earlyStopping(patience = 3)]"),
            Map.entry("classWeight", "a list of one weight per class, such as [1, 1, 5, 1, 1, 1, 1, 1, 1, 1]"),
            Map.entry("lossWeights", "a list of one number per model output, such as [1, 0.5] (the total loss is the outputs' losses weighted by them, summed)"),
            Map.entry("kFold", "an Int from 2 to 2147483647 (K-fold validation: K models, each validated on one of K equal parts of the training data)")));

    /** What each dataset's batches look like: images and labels. */
    static final Map<String, TensorType[]> DATASETS = Map.of(
            "mnist", new TensorType[] {new TensorType(DType.U8, Shape.of(Dim.sym("batch"), Dim.of(28), Dim.of(28))), new TensorType(DType.U8, Shape.of(Dim.sym("batch")))},
            "fashionMnist", new TensorType[] {new TensorType(DType.U8, Shape.of(Dim.sym("batch"), Dim.of(28), Dim.of(28))), new TensorType(DType.U8, Shape.of(Dim.sym("batch")))},
            // channels-last, as conv2d takes images (NHWC)
            "cifar10", new TensorType[] {new TensorType(DType.U8, Shape.of(Dim.sym("batch"), Dim.of(32), Dim.of(32), Dim.of(3))), new TensorType(DType.U8, Shape.of(Dim.sym("batch")))},
            // a regression: 13 features, the median value (k$) as the label
            "bostonHousing", new TensorType[] {new TensorType(DType.F32, Shape.of(Dim.sym("batch"), Dim.of(dlm.runtime.data.BostonHousing.FEATURES))),
                    new TensorType(DType.F32, Shape.of(Dim.sym("batch")))});

    /** How many classes each classification dataset's labels take (0 to n - 1); a regression dataset has none. */
    static final Map<String, Integer> CLASSES = Map.of("mnist", 10, "fashionMnist", 10, "cifar10", 10);

    static TrainConfig check(Ast.TrainDecl t, Scope file, Map<String, CheckedModel> models) {
        Value mv = file.lookup(t.model());
        if (!(mv instanceof ModelV)) {
            String s = Suggest.closest(t.model(), models.keySet());
            throw new DlmException(t.modelSpan(), (mv == null ? "unknown model '" + t.model() + "'" : "'" + t.model() + "' is " + mv.describe() + ", not a model")
                    + (s != null ? "; did you mean '" + s + "'?" : ""));
        }
        CheckedModel model = models.get(t.model());
        Elaborator el = new Elaborator(new Graph(), null);
        Elaborator.Frame frame = new Elaborator.Frame("", "script");
        Map<String, Value> settings = new LinkedHashMap<>();
        Map<String, Ast.Setting> where = new LinkedHashMap<>();
        for (Ast.Setting s : t.settings()) {
            if (!SETTINGS.containsKey(s.key())) {
                String sugg = Suggest.closest(s.key(), SETTINGS.keySet());
                throw new DlmException(s.keySpan(), "unknown train setting '" + s.key() + "'" + (sugg != null ? "; did you mean '" + sugg + "'?" : "")
                        + " (settings: " + String.join(", ", SETTINGS.keySet()) + ")");
            }
            if (settings.containsKey(s.key())) throw new DlmException(s.keySpan(), "setting '" + s.key() + "' is given twice");
            Value v = el.eval(s.value(), file, frame);
            if (!fits(s.key(), v)) throw new DlmException(s.value().span(), "'" + s.key() + "' must be " + SETTINGS.get(s.key()) + ", got " + v.describe());
            settings.put(s.key(), v);
            where.put(s.key(), s);
        }
        // K-fold validation holds out its own parts of the training data: another validation would be ignored
        for (String other : List.of("validationSplit", "validationData"))
            if (settings.containsKey("kFold") && settings.containsKey(other))
                throw new DlmException(where.get("kFold").keySpan(), "kFold validates each fold's model on its held-out part: it cannot be combined with " + other + "; give one");
        for (String required : List.of("data", "loss", "optimizer"))
            if (!settings.containsKey(required))
                throw new DlmException(t.span(), "train(" + t.model() + ") needs " + (required.equals("optimizer") ? "an" : "a") + " '" + required + "' setting: " + SETTINGS.get(required));
        if (((ConfigV) settings.get("optimizer")).args().get("learningRate") instanceof FunV schedule) {
            Node step = el.graph.addTyped(OpRegistry.get("input"), List.of(), Attrs.EMPTY, TensorType.scalar(DType.F32), where.get("optimizer").span(), "step");
            LearningRate.at(schedule, el, step, where.get("optimizer").value().span());
        }
        ConfigV optimizer = (ConfigV) settings.get("optimizer");
        List<String> clips = java.util.stream.Stream.of("clipNorm", "clipValue", "globalClipNorm").filter(k -> optimizer.args().get(k) instanceof Double d && d > 0).toList();
        if (clips.size() > 1)
            throw new DlmException(where.get("optimizer").value().span(), "give at most one of clipNorm, clipValue and globalClipNorm, not " + String.join(" and ", clips)
                    + " (Keras would silently use only one)");
        ConfigV data = (ConfigV) settings.get("data");
        boolean fileSource = data.args().get(DataBuiltins.SOURCE) != null;
        if (data.args().containsKey("split"))
            throw new DlmException(where.get("data").value().span(), "'data' trains on the train split of " + data.name() + "() and tests on its test split: "
                    + "it takes no split (a split is for validationData = " + data.name() + "(split = \"test\"))");
        boolean byHeads = Heads.wanted(model, settings);
        if (data.args().get(DataBuiltins.SOURCE) instanceof dlm.compiler.data.DataSource src) Heads.checkNames(t, model, src, where.get("data").value().span());
        TensorType[] batch = fileSource && !byHeads ? SourceFit.batch(t, model, settings, where) : DATASETS.get(data.name());
        if (!fileSource && !byHeads) checkInput(data, where.get("data"), model, t);
        // a regression dataset's targets take the model's output shape, [batch] or [batch, 1], as a
        // csv target does: f32 [batch] against [batch, 1] would broadcast to [batch, batch] in the loss
        if (!fileSource && !byHeads && !CLASSES.containsKey(data.name()) && model.graph().output("output") instanceof Node o
                && o.type().rank() == 2 && o.type().shape().dim(1).isKnown() && o.type().shape().dim(1).size() == 1)
            batch = new TensorType[] {batch[0], new TensorType(batch[1].dtype(), Shape.of(batch[1].shape().dim(0), Dim.of(1)))};
        if (settings.get("validationData") instanceof ConfigV val) {
            if (settings.containsKey("validationSplit")) {
                Ast.Setting later = t.settings().indexOf(where.get("validationData")) > t.settings().indexOf(where.get("validationSplit"))
                        ? where.get("validationData") : where.get("validationSplit");
                throw new DlmException(later.keySpan(), "validationSplit and validationData are both given: give one (Keras would silently use validationData)");
            }
            if ((val.args().get(DataBuiltins.SOURCE) != null) != fileSource)
                throw new DlmException(where.get("validationData").value().span(), "validationData and data must both be built-in datasets or both data sources, "
                        + "so that their images and labels have the same types");
            // a data source's rows are all validation rows (its fit to the model is checked as it loads)
            if (val.args().get(DataBuiltins.SOURCE) instanceof dlm.compiler.data.DataSource vs) {
                if (dlm.compiler.data.DataSources.sampleWeightAt(vs) != null)
                    throw new DlmException(dlm.compiler.data.DataSources.sampleWeightAt(vs), "validation is unweighted: sample weights on validationData would be ignored; remove sampleWeight here");
                if (vs instanceof dlm.compiler.data.DataSource.Split)
                    throw new DlmException(where.get("validationData").value().span(), "validationData takes all the rows of a data source: give it without split(…)");
            } else {
                if (!val.args().containsKey("split"))
                    throw new DlmException(where.get("validationData").value().span(), "validationData needs a split: " + val.name() + "(split = \"test\") or "
                            + val.name() + "(split = \"train\")");
                checkInput(val, where.get("validationData"), model, t);
                if (!fileSource && !java.util.Objects.equals(CLASSES.get(val.name()), CLASSES.get(data.name())))
                    throw new DlmException(where.get("validationData").value().span(), val.name() + "() has " + CLASSES.get(val.name()) + " classes but the training data "
                            + CLASSES.get(data.name()));
            }
        }
        if (byHeads) return heads(t, model, settings, where, el, data, batch);
        Node output = model.graph().output("output");
        if (output == null) throw new DlmException(t.modelSpan(), Checker.noTrainOutput(t.model(), model.graph()));
        // sample weights from the data (csv(…, sampleWeight = "w")) weigh the loss and metrics as classWeight does
        dlm.compiler.diag.SourceSpan sampleWeightAt = data.args().get(DataBuiltins.SOURCE) instanceof dlm.compiler.data.DataSource src
                ? dlm.compiler.data.DataSources.sampleWeightAt(src) : null;
        boolean weighted = settings.get("classWeight") instanceof TensorV || sampleWeightAt != null;
        if (settings.get("classWeight") instanceof TensorV cw) checkClassWeight(cw, where.get("classWeight"), data, batch[1], output.type(), settings);
        if (sampleWeightAt != null) requireSampleWeight(settings, sampleWeightAt, "the data's sample weights weigh");
        Node dataLoss = applyLoss(el, (FunV) settings.get("loss"), where.get("loss"), batch[1], output.type(), frame, true, weighted);
        // a loss the model assigns is added to the train block's (see TrainGraph): same dtype
        for (String extra : List.of("loss", Builtins.ADDED_LOSS)) {
            Node n = model.graph().output(extra);
            if (n != null && n.type().dtype() != dataLoss.type().dtype())
                throw new DlmException(n.span(), "model " + t.model() + "'s " + (extra.equals("loss") ? "loss" : "added loss") + " is " + n.type() + " but the train block's loss is "
                        + dataLoss.type() + ": the two are added, so they need the same dtype (convert one with .toF32() or .toF64())");
        }
        if (settings.get("metrics") instanceof ListV l) {
            for (Value m : l.items()) applyLoss(el, (FunV) m, where.get("metrics"), batch[1], output.type(), frame, false, weighted);
        }
        if (settings.get("callbacks") instanceof ListV cbs) checkCallbacks(cbs, where.get("callbacks"), settings);
        int indexed = indexedClasses(el.graph);
        int classes = CLASSES.getOrDefault(data.name(), 0);
        if (!fileSource && indexed > 0 && indexed < classes)
            throw new DlmException(where.get("data").value().span(), data.name() + "() has " + classes + " classes (labels 0 to " + (classes - 1) + "), but model "
                    + t.model() + "'s output " + output.type() + " has " + indexed + (indexed == 1 ? " class" : " classes") + ": labels "
                    + (indexed == classes - 1 ? Integer.toString(indexed) : indexed + " to " + (classes - 1)) + " would have no output"
                    + " (the output is computed at " + output.span().location() + ")");
        return new TrainConfig(t, model, settings, batch[1]);
    }

    /**
     * A block trained by heads ({@link Heads}): each output's loss and metrics checked against its
     * labels; the model's own losses share the heads' dtype; callbacks watch the heads' names.
     */
    private static TrainConfig heads(Ast.TrainDecl t, CheckedModel model, Map<String, Value> settings, Map<String, Ast.Setting> where, Elaborator el, ConfigV data,
                                     TensorType[] batch) {
        if (!(data.args().get(DataBuiltins.SOURCE) instanceof dlm.compiler.data.DataSource)) {
            checkInput(data, where.get("data"), model, t);
            Node o = model.graph().output("output");
            if (!CLASSES.containsKey(data.name()) && o != null && o.type().rank() == 2 && o.type().shape().dim(1).isKnown() && o.type().shape().dim(1).size() == 1)
                batch = new TensorType[] {batch[0], new TensorType(batch[1].dtype(), Shape.of(batch[1].shape().dim(0), Dim.of(1)))};
        }
        List<TrainConfig.Head> heads = Heads.check(t, model, settings, where, batch == null ? null : batch[1]);
        for (String extra : List.of("loss", Builtins.ADDED_LOSS)) {
            Node n = model.graph().output(extra);
            if (n != null && n.type().dtype() != DType.F32)
                throw new DlmException(n.span(), "model " + t.model() + "'s " + (extra.equals("loss") ? "loss" : "added loss") + " is " + n.type()
                        + " but the train block's loss is f32: the two are added, so they need the same dtype (convert one with .toF32())");
        }
        if (settings.get("callbacks") instanceof ListV cbs) checkCallbacks(cbs, where.get("callbacks"), settings, logNames(heads));
        return new TrainConfig(t, model, settings, heads.get(0).labels(), heads);
    }

    /** What a block trained by heads reports: the total loss, each output's loss (several outputs), then each output's metrics, named as Keras names them ({@code price_loss}, {@code kind_accuracy}). */
    public static List<String> logNames(List<TrainConfig.Head> heads) {
        List<String> names = new java.util.ArrayList<>(List.of("loss"));
        if (heads.size() > 1) for (TrainConfig.Head h : heads) names.add(h.name() + "_loss");
        for (TrainConfig.Head h : heads) for (FunV m : h.metrics()) names.add(heads.size() > 1 ? h.name() + "_" + m.name() : m.name());
        return names;
    }

    /**
     * Refuses, at the callback, what a callback could not act on: a monitor the epochs' logs do
     * not have (val_… without validation data), a mode that cannot tell the direction, a factor
     * of 1 or more, a reduceLrOnPlateau beside a
     * learning-rate schedule (which the callback could not set, as in Keras) or a second one.
     */
    private static void checkCallbacks(ListV cbs, Ast.Setting at, Map<String, Value> settings) {
        List<String> logs = new java.util.ArrayList<>(List.of("loss"));
        if (settings.get("metrics") instanceof ListV ms) for (Value m : ms.items()) logs.add(((FunV) m).name());
        checkCallbacks(cbs, at, settings, logs);
    }

    private static void checkCallbacks(ListV cbs, Ast.Setting at, Map<String, Value> settings, List<String> names) {
        List<String> logs = new java.util.ArrayList<>(names);
        if (settings.containsKey("validationSplit") || settings.containsKey("validationData"))
            for (String k : List.copyOf(logs)) logs.add("val_" + k);
        int reducers = 0;
        for (int i = 0; i < cbs.items().size(); i++) {
            ConfigV c = (ConfigV) cbs.items().get(i);
            SourceSpan span = at.value() instanceof Ast.ListLit l && i < l.items().size() ? l.items().get(i).span() : at.value().span();
            if (c.name().equals("modelCheckpoint") && !((String) c.args().get("filepath")).endsWith(".npz"))
                throw new DlmException(span, "modelCheckpoint writes a DLM checkpoint, a NumPy .npz file: its filepath must end in .npz, got \"" + c.args().get("filepath") + "\"");
            if (c.name().equals("modelCheckpoint") && !(Boolean) c.args().get("saveBestOnly")) {
                if (c.args().containsKey("monitor") || c.args().containsKey("mode"))
                    throw new DlmException(span, "modelCheckpoint saves after every epoch unless saveBestOnly = true: its monitor and mode would do nothing");
                continue;
            }
            String monitor = (String) c.args().getOrDefault("monitor", "val_loss");
            if (monitor != null && !logs.contains(monitor))
                throw new DlmException(span, c.name() + " watches " + monitor + ", which training does not compute (it computes " + String.join(", ", logs) + ")"
                        + (monitor.startsWith("val_") && !logs.contains("val_loss") ? "; val_ values need validationSplit or validationData" : ""));
            if (monitor != null) {
                try {
                    dlm.runtime.train.Monitor.of(monitor, (String) c.args().getOrDefault("mode", "auto"));
                } catch (IllegalArgumentException e) {
                    throw new DlmException(span, c.name() + ": " + e.getMessage());
                }
            }
            if (c.name().equals("reduceLrOnPlateau")) {
                if (++reducers > 1) throw new DlmException(span, "a second reduceLrOnPlateau: give one");
                if ((Double) c.args().get("factor") >= 1)
                    throw new DlmException(span, "reduceLrOnPlateau's factor must be less than 1 (it multiplies the learning rate), got " + Show.number((Double) c.args().get("factor")));
                if (((ConfigV) settings.get("optimizer")).args().get("learningRate") instanceof FunV)
                    throw new DlmException(span, "reduceLrOnPlateau sets the learning rate, but the optimizer's follows a schedule: use one or the other");
            }
        }
    }

    /**
     * Keras's class_weight as a list, one weight per class of the dataset: finite and not
     * negative; the loss and every metric must take a sampleWeight (std.nn's do), since train
     * weighs them all, as Keras does.
     */
    private static void checkClassWeight(TensorV cw, Ast.Setting at, ConfigV data, TensorType labels, TensorType output, Map<String, Value> settings) {
        if (labels.dtype().isFloating() || labels.rank() != 1)
            throw new DlmException(at.value().span(), "classWeight weighs samples by their class, but this data's labels are values " + labels + ", not classes");
        // a file source's classes are the model's outputs
        int classes = CLASSES.containsKey(data.name()) ? CLASSES.get(data.name())
                : output.rank() >= 1 && output.shape().dim(output.rank() - 1).isKnown() ? (int) output.shape().dim(output.rank() - 1).size() : -1;
        dlm.runtime.Tensor w = (dlm.runtime.Tensor) cw.node().attrs().get("value");
        if (w.size() != classes)
            throw new DlmException(at.value().span(), "classWeight has " + w.size() + (w.size() == 1 ? " weight" : " weights") + " but " + data.name() + "() has "
                    + classes + " classes: give one weight per class, in label order");
        for (int i = 0; i < w.size(); i++)
            if (!(w.getDouble(i) >= 0) || Double.isInfinite(w.getDouble(i)))
                throw new DlmException(at.value().span(), "classWeight's weights must be finite and not negative; class " + i + " has " + w.getDouble(i));
        requireSampleWeight(settings, at.value().span(), "classWeight weighs");
    }

    /** The loss and every metric must take a sampleWeight (std.nn's do), since train weighs them all, as Keras does; {@code who} says what weighs them. */
    private static void requireSampleWeight(Map<String, Value> settings, dlm.compiler.diag.SourceSpan at, String who) {
        List<FunV> fs = new java.util.ArrayList<>(List.of((FunV) settings.get("loss")));
        if (settings.get("metrics") instanceof ListV ms) for (Value m : ms.items()) fs.add((FunV) m);
        for (FunV f : fs) {
            boolean takes = switch (f) {
                case UserFun u -> u.decl().params().stream().anyMatch(p -> p.name().equals("sampleWeight"));
                case LambdaFun l -> l.lambda().params().stream().anyMatch(p -> p.name().equals("sampleWeight"));
                case BuiltinFun b -> false;
            };
            if (!takes)
                throw new DlmException(at, who + " the loss and the metrics, but " + f.name() + " takes no sampleWeight: give it a parameter "
                        + "sampleWeight: Any = 1 and weigh its per-sample values with weighted(…) (a loss) or weightedMean(…) (a metric), as std.nn's do");
        }
    }

    /** Refuses a dataset whose images the model does not take, at the setting that names it. */
    private static void checkInput(ConfigV data, Ast.Setting at, CheckedModel model, Ast.TrainDecl t) {
        TensorType[] batch = DATASETS.get(data.name());
        List<Node> inputs = model.graph().inputs();
        if (inputs.size() != 1 || !fitsInput(inputs.get(0).type(), batch[0]))
            throw new DlmException(at.value().span(), data.name() + "() gives batches of " + batch[0] + " images, but model " + t.model()
                    + " takes " + inputs.stream().map(n -> n.name() + ": " + n.type()).toList());
    }

    /**
     * The fewest classes a loss or metric indexes with the labels ({@code oneHot(yTrue, k)}, a
     * sparse crossentropy over k classes), or 0 when none treats labels as class indices.
     */
    static int indexedClasses(Graph g) {
        int k = Integer.MAX_VALUE;
        for (Node n : g.nodes()) {
            if (n.is("oneHot") && isLabels(n.input(0))) k = Math.min(k, n.attrs().getInt("depth"));
            if (n.is("sparseSoftmaxCrossEntropy") && isLabels(n.input(1))) {
                TensorType logits = n.input(0).type();
                k = Math.min(k, logits.shape().dim(logits.rank() - 1).size());
            }
        }
        return k == Integer.MAX_VALUE ? 0 : k;
    }

    private static boolean isLabels(Node n) {
        while (n.is("cast")) n = n.input(0);
        return n.is("input") && "yTrue".equals(n.name());
    }

    private static boolean fitsInput(TensorType model, TensorType data) {
        if (model.dtype() != data.dtype() || model.rank() != data.rank()) return false;
        for (int a = 1; a < model.rank(); a++) if (!model.shape().dim(a).equals(data.shape().dim(a))) return false;
        return !model.shape().dim(0).isKnown();
    }

    /** Elaborates fn(yTrue, yPred) on fresh inputs: it must accept them and give a float scalar. */
    static void applyLoss(Elaborator el, FunV fn, Ast.Setting s, TensorType labels, TensorType predictions, Elaborator.Frame frame, boolean isLoss) {
        applyLoss(el, fn, s, labels, predictions, frame, isLoss, false);
    }

    /** As above; with {@code weighted} (classWeight or the data's sample weights), fn also gets a sampleWeight, one per sample. */
    static Node applyLoss(Elaborator el, FunV fn, Ast.Setting s, TensorType labels, TensorType predictions, Elaborator.Frame frame, boolean isLoss,
                                  boolean weighted) {
        Graph g = el.graph;
        Node yTrue = g.addTyped(OpRegistry.get("input"), List.of(), Attrs.EMPTY, labels, s.span(), "yTrue");
        Node yPred = g.addTyped(OpRegistry.get("input"), List.of(), Attrs.EMPTY, predictions, s.span(), "yPred");
        Value r;
        try {
            List<Signature.ArgValue> args = new java.util.ArrayList<>(List.of(new Signature.ArgValue(null, new TensorV(yTrue), s.value().span()),
                    new Signature.ArgValue(null, new TensorV(yPred), s.value().span())));
            // with classWeight or sample weights, train passes one weight per sample
            if (weighted) args.add(new Signature.ArgValue("sampleWeight", new TensorV(g.addTyped(OpRegistry.get("input"), List.of(), Attrs.EMPTY,
                    new TensorType(DType.F32, Shape.of(labels.shape().dim(0))), s.span(), "sampleWeight")), s.value().span()));
            r = el.call(fn, args, s.value().span(), frame, null);
        } catch (DlmException e) {
            if (e.span().file() == s.span().file()) throw e;
            throw new DlmException(s.value().span(), (isLoss ? "loss " : "metric ") + fn.name() + " cannot be applied to labels " + labels + " and predictions " + predictions + ": " + e.getMessage());
        }
        if (!(r instanceof TensorV tv) || tv.node().type().rank() != 0 || !tv.node().type().dtype().isFloating())
            throw new DlmException(s.value().span(), (isLoss ? "loss " : "metric ") + fn.name() + " must give a floating-point scalar, got " + r.describe());
        return tv.node();
    }

    private static boolean fits(String key, Value v) {
        return switch (key) {
            case "data", "validationData" -> v instanceof ConfigV c && c.kind().equals("dataset");
            case "optimizer" -> v instanceof ConfigV c && c.kind().equals("optimizer");
            case "loss" -> v instanceof FunV || v instanceof ListV l && !l.items().isEmpty() && l.items().stream().allMatch(i -> i instanceof FunV);
            case "metrics" -> v instanceof ListV l && (l.items().stream().allMatch(i -> i instanceof FunV)
                    || l.items().stream().allMatch(i -> i instanceof ListV m && m.items().stream().allMatch(j -> j instanceof FunV)));
            case "lossWeights" -> v instanceof TensorV t && t.node().is("constant") && t.node().type().rank() == 1 && t.node().type().shape().dim(0).size() >= 1;
            case "classWeight" -> v instanceof TensorV t && t.node().is("constant") && t.node().type().rank() == 1;
            case "callbacks" -> v instanceof ListV l && l.items().stream().allMatch(i -> i instanceof ConfigV c && c.kind().equals("callback"));
            case "epochs", "batchSize" -> v instanceof NumberV n && n.isInt() && n.value() >= 1 && n.value() <= Integer.MAX_VALUE;
            case "seed" -> v instanceof NumberV n && n.isInt();
            case "validationSplit" -> v instanceof NumberV n && n.value() > 0 && n.value() < 1;
            case "kFold" -> v instanceof NumberV n && n.isInt() && n.value() >= 2 && n.value() <= Integer.MAX_VALUE;
            default -> false;
        };
    }

}
