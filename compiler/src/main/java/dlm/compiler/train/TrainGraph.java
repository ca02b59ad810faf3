package dlm.compiler.train;

import dlm.compiler.ast.Ast;
import dlm.compiler.autodiff.Autodiff;
import dlm.compiler.check.Builtins;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.check.Checker;
import dlm.compiler.check.Elaborator;
import dlm.compiler.check.LearningRate;
import dlm.compiler.check.Scope;
import dlm.compiler.check.Signature;
import dlm.compiler.check.TrainConfig;
import dlm.compiler.check.Value;
import dlm.compiler.data.ModelFeed;
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
import dlm.runtime.Tensor;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.interp.Interpreter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The train step of a {@code train(Model) { … }} block as ONE graph: the model's forward pass on
 * an {@code images} input, the loss and metrics against a {@code labels} input, the backward pass
 * (symbolic gradients of the loss w.r.t. every param) and the optimizer's update of every param,
 * written in DLM ({@code std.optim}) and inlined per param. Optimizer slots are graph inputs and
 * their new values graph outputs; the step counter is an input. The interpreter runs this graph
 * as is; the code generator compiles the same graph.
 */
public final class TrainGraph {
    public final Graph graph;
    public final Node images, labels, step, output, loss;
    /**
     * The model's inputs (images is the first), the labels of each of its outputs and those
     * outputs (labels and output are the first), and the outputs' names as reported
     * ({@code price}, {@code kind}; {@code output} for an ordinary block). One each for an
     * ordinary train block; several for a model trained by name (Keras's functional fit).
     */
    public final List<Node> inputs, labelInputs, outputs;
    public final List<String> outputNames;
    /** Per output, the classes its loss indexes with its labels (0: values), for a block trained by heads; null otherwise. */
    private final int[] headClasses;
    /** One f32 weight a sample of the training batch (Keras's sample_weight, from the data), or null without them. */
    public final Node sampleWeight;
    /**
     * What the train step minimizes and reports: {@link #loss} and {@link #metrics}, or with
     * classWeight their weighted forms (outputs {@code train:loss}, {@code train:<metric>}),
     * while evaluation reports the unweighted ones.
     */
    public final Node trainLoss;
    public final List<Node> trainMetrics = new ArrayList<>();
    /** The prefix of the train step's own outputs of loss and metrics when they differ from evaluation's. */
    public static final String TRAIN_PREFIX = "train:";
    private final double[] classWeight;
    /** The learning rate as an input of the step (set between steps by reduceLrOnPlateau), or null when it is compiled in. */
    public final Node learningRate;
    public final List<Node> metrics = new ArrayList<>();
    public final List<String> metricNames = new ArrayList<>();
    /** The trainable params: they get gradients and the optimizer's update. */
    public final List<Node> params;
    /**
     * The states (non-trainable weights, {@code state name: …}): no gradient, no optimizer slot;
     * those assigned ({@code assign}) take their new value in {@link #stateUpdates} after the
     * train step (graph output {@code update:<name>}). Saved and restored with the params.
     */
    public final List<Node> states;
    public final Map<String, Node> stateUpdates = new LinkedHashMap<>();
    public final List<Node> grads;
    public final List<String> slotNames;
    /** The indices, among the update rule's slot parameters, of the slots kept ({@link #slotNames}). */
    private final List<Integer> liveSlots;
    /** Per param (by name): its slot inputs, the new param value, the new slot values. */
    public final Map<String, List<Node>> slotInputs = new LinkedHashMap<>();
    public final Map<String, Node> newParams = new LinkedHashMap<>();
    public final Map<String, List<Node>> newSlots = new LinkedHashMap<>();
    public final String optimizerName;
    public final Value.UserFun slotInit;
    public final Map<String, Object> hyper;
    /** The optimizer options that are on (weightDecay, clipNorm, clipValue, globalClipNorm: {@link Builtins#OPTIMIZER_OPTIONS}), with their values. */
    public final Map<String, Double> options;
    /**
     * How many classes the loss or a metric indexes with the labels (the depth of a
     * {@code oneHot(labels)}, the classes of a sparse crossentropy), or 0 when labels are not
     * class indices. A label outside {@code [0, classes)} would silently become an all-zero
     * one-hot row, so {@link #checkLabels} refuses it.
     */
    public final int classes;
    private final SourceSpan at;
    private final String modelName;

    /**
     * What a train step needs besides the model: loss, metrics, optimizer, and the labels' type.
     * With {@code variableLearningRate} the learning rate is an input of the step, which the
     * trainer sets between steps (reduceLrOnPlateau), instead of a compile-time number.
     */
    public record Spec(Ast.ModelDecl model, Value.FunV loss, List<Value.FunV> metrics, Value.ConfigV optimizer, DType labelDType, List<Dim> labelTail, SourceSpan at,
                       boolean variableLearningRate, double[] classWeight, boolean sampleWeights, List<TrainConfig.Head> heads) {
        /** An ordinary train block's spec: one input, one output, the block's loss and metrics (no heads). */
        public Spec(Ast.ModelDecl model, Value.FunV loss, List<Value.FunV> metrics, Value.ConfigV optimizer, DType labelDType, List<Dim> labelTail, SourceSpan at,
                    boolean variableLearningRate, double[] classWeight, boolean sampleWeights) {
            this(model, loss, metrics, optimizer, labelDType, labelTail, at, variableLearningRate, classWeight, sampleWeights, List.of());
        }

        /** Without sample weights from the data. */
        public Spec(Ast.ModelDecl model, Value.FunV loss, List<Value.FunV> metrics, Value.ConfigV optimizer, DType labelDType, List<Dim> labelTail, SourceSpan at,
                    boolean variableLearningRate, double[] classWeight) {
            this(model, loss, metrics, optimizer, labelDType, labelTail, at, variableLearningRate, classWeight, false);
        }

        /** Labels of one value a row ({@code [batch]}). */
        public Spec(Ast.ModelDecl model, Value.FunV loss, List<Value.FunV> metrics, Value.ConfigV optimizer, DType labelDType, SourceSpan at) {
            this(model, loss, metrics, optimizer, labelDType, List.of(), at, false, null);
        }

        /** Labels of the given trailing dims, a learning rate compiled in and no class weights. */
        public Spec(Ast.ModelDecl model, Value.FunV loss, List<Value.FunV> metrics, Value.ConfigV optimizer, DType labelDType, List<Dim> labelTail, SourceSpan at) {
            this(model, loss, metrics, optimizer, labelDType, labelTail, at, false, null);
        }

        /** The same spec with the learning rate as an input of the step (reduceLrOnPlateau's). */
        public Spec withVariableLearningRate() {
            return new Spec(model, loss, metrics, optimizer, labelDType, labelTail, at, true, classWeight, sampleWeights, heads);
        }

        /** The same spec with Keras's class_weight: the weight of each class, by label (null: none). */
        public Spec withClassWeight(double[] weights) {
            return new Spec(model, loss, metrics, optimizer, labelDType, labelTail, at, variableLearningRate, weights, sampleWeights, heads);
        }

        /** The same spec with one weight a sample given with each training batch (Keras's sample_weight, from the data). */
        public Spec withSampleWeights() {
            return new Spec(model, loss, metrics, optimizer, labelDType, labelTail, at, variableLearningRate, classWeight, true, heads);
        }

        /** The spec of a checked train block (labels typed as its data gives them). */
        public static Spec of(TrainConfig t) {
            List<Value.FunV> ms = new ArrayList<>();
            if (t.heads().isEmpty() && t.settings().get("metrics") instanceof Value.ListV l) for (Value m : l.items()) ms.add((Value.FunV) m);
            List<Dim> tail = t.labels().shape().dims().subList(1, t.labels().rank());
            boolean variable = t.settings().get("callbacks") instanceof Value.ListV cbs
                    && cbs.items().stream().anyMatch(c -> ((Value.ConfigV) c).name().equals("reduceLrOnPlateau"));
            double[] classWeight = t.settings().get("classWeight") instanceof Value.TensorV cw ? ((Tensor) cw.node().attrs().get("value")).toDoubles() : null;
            boolean sampleWeights = t.settings().get("data") instanceof Value.ConfigV data && data.args().get("source") instanceof dlm.compiler.data.DataSource src
                    && dlm.compiler.data.DataSources.sampleWeight(src) != null;
            Value.FunV loss = t.heads().isEmpty() ? (Value.FunV) t.settings().get("loss") : t.heads().get(0).loss();
            return new Spec(t.model().decl(), loss, ms, (Value.ConfigV) t.settings().get("optimizer"), t.labels().dtype(), tail,
                    t.decl().span(), variable, classWeight, sampleWeights, t.heads());
        }
    }

    private TrainGraph(CheckedProgram p, Spec spec) {
        SourceSpan at = spec.at();
        graph = new Graph();
        Elaborator el = Elaborator.forGraph(graph);
        Checker.elaborateModel(el, spec.model(), p.scope());
        List<TrainConfig.Head> heads = spec.heads();
        // an ordinary block feeds the first input only (as it always has); a block trained by heads every one
        inputs = heads.isEmpty() ? List.of(graph.inputs().get(0)) : List.copyOf(graph.inputs());
        images = inputs.get(0);
        if (heads.isEmpty()) {
            output = graph.output("output");
            if (output == null) throw new DlmException(spec.model().nameSpan(), Checker.noTrainOutput(spec.model().name(), graph));
            List<Dim> labelDims = new ArrayList<>(List.of(images.type().shape().dim(0)));
            labelDims.addAll(spec.labelTail());
            TensorType labelType = new TensorType(spec.labelDType(), Shape.of(labelDims.toArray(Dim[]::new)));
            labels = graph.addTyped(OpRegistry.get("input"), List.of(), Attrs.EMPTY, labelType, at, "labels");
            Elaborator.Frame frame = new Elaborator.Frame("", "script");
            // The model's own loss term (`loss = …` in its body: a penalty on its params, as Keras's
            // add_loss) is added to the train block's loss, and reported as part of it, as Keras does.
            // So are the losses its layers add (addLoss: their regularizers' penalties), as Keras adds model.losses.
            Node modelLoss = graph.output("loss"), addedLoss = graph.output(Builtins.ADDED_LOSS);
            sampleWeight = spec.sampleWeights()
                    ? graph.addTyped(OpRegistry.get("input"), List.of(), Attrs.EMPTY, new TensorType(DType.F32, Shape.of(images.type().shape().dim(0))), at, "sampleWeight")
                    : null;
            boolean weighted = spec.classWeight() != null || sampleWeight != null;
            // with classWeight or sample weights, the loss and metrics take a sampleWeight: 1 (none) for evaluation
            Value unweighted = weighted ? new Value.NumberV(1, true, null) : null;
            loss = total(spec, el, apply(el, spec.loss(), frame, modelLoss == null && addedLoss == null ? "loss" : "dataLoss", unweighted), modelLoss, addedLoss);
            loss.nameIfUnnamed("loss");
            for (Value.FunV f : spec.metrics()) {
                metrics.add(apply(el, f, frame, f.name(), unweighted));
                metricNames.add(f.name());
            }
            // With classWeight the train step weighs each sample by its class's weight (Keras's
            // class_weight: the loss and the metrics it reports while training); evaluation does not.
            // Sample weights from the data multiply them (Keras: sample_weight × class_weight).
            if (weighted) {
                Value weights = sampleWeight == null ? null : new Value.TensorV(sampleWeight);
                if (spec.classWeight() != null) {
                    Tensor cw = Tensor.zeros(DType.F32, spec.classWeight().length);
                    for (int i = 0; i < cw.size(); i++) cw.setDouble(i, spec.classWeight()[i]);
                    Scope nn = p.loader().module(List.of("std", "nn"), at);
                    if (!(nn.lookup("classSampleWeights") instanceof Value.UserFun csw)) throw new DlmException(at, "std.nn has no classSampleWeights");
                    Value byClass = el.call(csw, List.of(new Signature.ArgValue(null, new Value.TensorV(labels), at), new Signature.ArgValue(null, new Value.TensorV(el.constant(cw, at)), at)),
                            at, frame, "sampleWeight");
                    weights = sampleWeight == null ? byClass : new Value.TensorV(el.op("mul", at, el.tensor(byClass, at), sampleWeight));
                }
                trainLoss = total(spec, el, apply(el, spec.loss(), frame, "weightedLoss", weights), modelLoss, addedLoss);
                for (Value.FunV f : spec.metrics()) trainMetrics.add(apply(el, f, frame, "weighted " + f.name(), weights));
                classWeight = spec.classWeight() == null ? null : spec.classWeight().clone();
            } else {
                trainLoss = loss;
                trainMetrics.addAll(metrics);
                classWeight = null;
            }
            outputs = List.of(output);
            labelInputs = List.of(labels);
            outputNames = List.of("output");
            headClasses = null;
        } else {
            // Keras's functional fit: each output against its own labels, with its own loss and
            // metrics; the loss trained on is Σ wᵢ·lossᵢ (plus the model's own losses)
            sampleWeight = null;
            classWeight = null;
            Elaborator.Frame frame = new Elaborator.Frame("", "script");
            Node modelLoss = graph.output("loss"), addedLoss = graph.output(Builtins.ADDED_LOSS);
            List<Node> outs = new ArrayList<>(), labs = new ArrayList<>(), headLosses = new ArrayList<>();
            List<String> names = new ArrayList<>();
            Node sum = null;
            for (TrainConfig.Head h : heads) {
                Node out = graph.output(h.key());
                List<Dim> dims = new ArrayList<>(List.of(images.type().shape().dim(0)));
                dims.addAll(h.labels().shape().dims().subList(1, h.labels().rank()));
                Node lab = graph.addTyped(OpRegistry.get("input"), List.of(), Attrs.EMPTY, new TensorType(h.labels().dtype(), Shape.of(dims.toArray(Dim[]::new))), at,
                        heads.size() == 1 ? "labels" : "labels:" + h.name());
                Node l = apply(el, h.loss(), frame, heads.size() == 1 ? "dataLoss" : h.name() + "_loss", null, lab, out);
                Node weighted = el.op("mul", at, l, el.constant(Tensor.scalar(l.type().dtype(), h.weight()), at));
                sum = sum == null ? weighted : el.op("add", at, sum, weighted);
                outs.add(out);
                labs.add(lab);
                headLosses.add(l);
                names.add(h.name());
            }
            loss = total(spec, el, sum, modelLoss, addedLoss);
            loss.nameIfUnnamed("loss");
            if (heads.size() > 1)
                for (int i = 0; i < heads.size(); i++) {
                    metrics.add(headLosses.get(i));
                    metricNames.add(names.get(i) + "_loss");
                }
            for (int i = 0; i < heads.size(); i++)
                for (Value.FunV f : heads.get(i).metrics()) {
                    String name = heads.size() > 1 ? names.get(i) + "_" + f.name() : f.name();
                    metrics.add(apply(el, f, frame, name, null, labs.get(i), outs.get(i)));
                    metricNames.add(name);
                }
            trainLoss = loss;
            trainMetrics.addAll(metrics);
            output = outs.get(0);
            labels = labs.get(0);
            outputs = List.copyOf(outs);
            labelInputs = List.copyOf(labs);
            outputNames = List.copyOf(names);
            headClasses = heads.stream().mapToInt(TrainConfig.Head::classes).toArray();
        }
        params = graph.params().stream().filter(n -> n.attrs().getBool("trainable", true)).toList();
        states = graph.params().stream().filter(n -> !n.attrs().getBool("trainable", true)).toList();
        grads = Autodiff.grad(graph, trainLoss, params, at);
        // A state's new value (its assign) overwrites it after the train step, like a param's update.
        for (Node s : states) {
            Node v = el.stateUpdates().get(s.name());
            if (v == null) continue;
            stateUpdates.put(s.name(), v);
            graph.setOutput("update:" + s.name(), v);
        }

        // The optimizer: std.optim's <name>Update applied to every param.
        Value.ConfigV opt = spec.optimizer();
        optimizerName = opt.name();
        // the options every optimizer takes (weight decay, clipping) apply around its update rule;
        // the rule itself gets the rest
        hyper = new LinkedHashMap<>(opt.args());
        options = new LinkedHashMap<>();
        for (String k : Builtins.OPTIMIZER_OPTIONS) if (hyper.remove(k) instanceof Double d && d > 0) options.put(k, d);
        Scope optim = p.loader().module(List.of("std", "optim"), at);
        Value update = optim.lookup(opt.name() + "Update");
        if (!(update instanceof Value.UserFun uf)) throw new DlmException(at, "std.optim has no update rule " + opt.name() + "Update");
        slotInit = optim.lookup(opt.name() + "Init") instanceof Value.UserFun init ? init : null;
        List<Ast.ParamDecl> ps = uf.decl().params();
        int stepIndex = -1;
        for (int i = 0; i < ps.size(); i++) if (ps.get(i).name().equals("step")) stepIndex = i;
        List<String> allSlots = ps.subList(2, stepIndex).stream().map(Ast.ParamDecl::name).toList();
        liveSlots = params.isEmpty() ? List.of() : liveSlots(uf, allSlots, params.get(0), at, opt.name());
        slotNames = liveSlots.stream().map(allSlots::get).toList();
        step = graph.addTyped(OpRegistry.get("input"), List.of(), Attrs.EMPTY, TensorType.scalar(DType.F32), at, "step");
        Map<String, Value> hyperValues = hyperValues(hyper, el, step, at);
        if (spec.variableLearningRate()) {
            learningRate = graph.addTyped(OpRegistry.get("input"), List.of(), Attrs.EMPTY, TensorType.scalar(DType.F32), at, "learningRate");
            hyperValues.put("learningRate", new Value.TensorV(learningRate));
        } else {
            learningRate = null;
        }
        List<Node> clipped = clip(el, optim, grads, at);
        for (int i = 0; i < params.size(); i++) {
            Node w = params.get(i);
            // Keras's decoupled weight decay: the param shrinks by lr · weightDecay before its update
            Node decayed = options.containsKey("weightDecay")
                    ? el.tensor(callStd(el, optim, "decayWeights", at, new Value.TensorV(w), hyperValues.get("learningRate"), number(options.get("weightDecay"))), at)
                    : w;
            List<Signature.ArgValue> args = new ArrayList<>();
            args.add(new Signature.ArgValue(null, new Value.TensorV(decayed), at));
            args.add(new Signature.ArgValue(null, new Value.TensorV(clipped.get(i)), at));
            List<Node> slots = new ArrayList<>();
            for (int k = 0; k < allSlots.size(); k++) {
                // A slot that never affects the param (RMSprop's momentum when momentum = 0) is
                // neither an input nor state: a zero stands in for it, and its update is dropped.
                Node in = liveSlots.contains(k)
                        ? graph.addTyped(OpRegistry.get("input"), List.of(), Attrs.EMPTY, w.type(), w.span(), w.name() + "/" + allSlots.get(k))
                        : el.constant(Tensor.scalar(w.type().dtype(), 0), at);
                if (liveSlots.contains(k)) slots.add(in);
                args.add(new Signature.ArgValue(null, new Value.TensorV(in), at));
            }
            args.add(new Signature.ArgValue(null, new Value.TensorV(step), at));
            for (var e : hyperValues.entrySet()) args.add(new Signature.ArgValue(e.getKey(), e.getValue(), at));
            Value r = el.call(uf, args, at, new Elaborator.Frame("", "function"), null);
            if (!(r instanceof Value.ListV l) || l.items().size() != 1 + allSlots.size())
                throw new DlmException(at, opt.name() + "Update must return [new param, new slots…]");
            List<Node> outs = new ArrayList<>();
            for (int k = 0; k < l.items().size(); k++) {
                if (k > 0 && !liveSlots.contains(k - 1)) continue;
                Value v = l.items().get(k);
                Node n = el.tensor(v, at);
                if (!n.type().equals(w.type()))
                    throw new DlmException(at, opt.name() + "Update gives " + n.type() + " for param " + w.name() + " of type " + w.type());
                outs.add(n);
            }
            slotInputs.put(w.name(), slots);
            newParams.put(w.name(), outs.get(0));
            newSlots.put(w.name(), outs.subList(1, outs.size()));
            graph.setOutput("update:" + w.name(), outs.get(0));
            for (int s = 0; s < slotNames.size(); s++) graph.setOutput("slot:" + w.name() + "/" + slotNames.get(s), outs.get(1 + s));
        }
        graph.setOutput("loss", loss);
        for (int i = 0; i < metrics.size(); i++) graph.setOutput(metricNames.get(i), metrics.get(i));
        if (trainLoss != loss) {
            graph.setOutput(TRAIN_PREFIX + "loss", trainLoss);
            for (int i = 0; i < metrics.size(); i++) graph.setOutput(TRAIN_PREFIX + metricNames.get(i), trainMetrics.get(i));
        }
        this.at = at;
        this.modelName = spec.model().name();
        int k = Integer.MAX_VALUE;
        for (Node n : graph.nodes()) {
            if (n.is("oneHot") && fromLabels(n.input(0))) k = Math.min(k, n.attrs().getInt("depth"));
            if (n.is("sparseSoftmaxCrossEntropy") && fromLabels(n.input(1))) {
                TensorType logits = n.input(0).type();
                k = Math.min(k, (int) logits.shape().dim(logits.rank() - 1).size());
            }
        }
        classes = k == Integer.MAX_VALUE ? 0 : k;
    }

    /**
     * The gradients as the update rules see them: clipped as Keras clips them (std.optim's
     * clipByNorm per gradient, clipByValue per element, or every gradient scaled by
     * globalClipScale of the sum of all their squared norms), or as they are.
     */
    private List<Node> clip(Elaborator el, Scope optim, List<Node> grads, SourceSpan at) {
        List<Node> out = new ArrayList<>();
        if (options.containsKey("globalClipNorm")) {
            Node sum = null;
            for (Node g : grads) {
                Node sq = el.tensor(callStd(el, optim, "squaredNorm", at, new Value.TensorV(g)), at);
                sum = sum == null ? sq : el.op("add", at, sum, sq);
            }
            Value scale = sum == null ? null : callStd(el, optim, "globalClipScale", at, new Value.TensorV(sum), number(options.get("globalClipNorm")));
            for (Node g : grads) out.add(el.op("mul", at, g, el.tensor(scale, at)));
            return out;
        }
        for (Node g : grads) {
            if (options.containsKey("clipNorm")) g = el.tensor(callStd(el, optim, "clipByNorm", at, new Value.TensorV(g), number(options.get("clipNorm"))), at);
            else if (options.containsKey("clipValue")) g = el.tensor(callStd(el, optim, "clipByValue", at, new Value.TensorV(g), number(options.get("clipValue"))), at);
            out.add(g);
        }
        return out;
    }

    private static Value number(double d) { return new Value.NumberV(d, false, null); }

    private static Value callStd(Elaborator el, Scope optim, String fn, SourceSpan at, Value... args) {
        if (!(optim.lookup(fn) instanceof Value.UserFun f)) throw new DlmException(at, "std.optim has no " + fn);
        List<Signature.ArgValue> as = new ArrayList<>();
        for (Value a : args) as.add(new Signature.ArgValue(null, a, at));
        return el.call(f, as, at, new Elaborator.Frame("", "function"), null);
    }

    /**
     * The indices of the optimizer slots that affect the params: elaborates the update rule once
     * on a scratch graph and keeps slot k when the new param or another slot's new value depends
     * on it. Hyperparameters are compile-time values, so a rule such as
     * {@code select(momentum > 0, mom, increment)} leaves the momentum slot dead when momentum is 0.
     */
    private List<Integer> liveSlots(Value.UserFun uf, List<String> slots, Node param, SourceSpan at, String optimizer) {
        Graph g = new Graph();
        Elaborator el = Elaborator.forGraph(g);
        Node w = g.addTyped(OpRegistry.get("input"), List.of(), Attrs.EMPTY, param.type(), at, "w");
        Node grad = g.addTyped(OpRegistry.get("input"), List.of(), Attrs.EMPTY, param.type(), at, "g");
        List<Signature.ArgValue> args = new ArrayList<>();
        args.add(new Signature.ArgValue(null, new Value.TensorV(w), at));
        args.add(new Signature.ArgValue(null, new Value.TensorV(grad), at));
        List<Node> ins = new ArrayList<>();
        for (String s : slots) {
            Node in = g.addTyped(OpRegistry.get("input"), List.of(), Attrs.EMPTY, param.type(), at, s);
            ins.add(in);
            args.add(new Signature.ArgValue(null, new Value.TensorV(in), at));
        }
        Node step = g.addTyped(OpRegistry.get("input"), List.of(), Attrs.EMPTY, TensorType.scalar(DType.F32), at, "step");
        args.add(new Signature.ArgValue(null, new Value.TensorV(step), at));
        for (var e : hyperValues(hyper, el, step, at).entrySet()) args.add(new Signature.ArgValue(e.getKey(), e.getValue(), at));
        Value r = el.call(uf, args, at, new Elaborator.Frame("", "function"), null);
        if (!(r instanceof Value.ListV l) || l.items().size() != 1 + slots.size())
            throw new DlmException(at, optimizer + "Update must return [new param, new slots…]");
        List<Node> outs = new ArrayList<>();
        for (Value v : l.items()) outs.add(el.tensor(v, at));
        List<Integer> live = new ArrayList<>();
        for (int k = 0; k < slots.size(); k++) {
            for (int o = 0; o < outs.size(); o++) {
                if (o == k + 1) continue;
                if (dependsOn(outs.get(o), ins.get(k))) { live.add(k); break; }
            }
        }
        return List.copyOf(live);
    }

    private static boolean dependsOn(Node n, Node on) {
        java.util.ArrayDeque<Node> work = new java.util.ArrayDeque<>(List.of(n));
        java.util.Set<Node> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        while (!work.isEmpty()) {
            Node x = work.pop();
            if (x == on) return true;
            if (seen.add(x)) work.addAll(x.inputs());
        }
        return false;
    }

    private boolean fromLabels(Node n) {
        while (n.is("cast")) n = n.input(0);
        return n == labels;
    }

    /** Refuses a batch of labels outside the {@link #classes} the loss indexes (a located error at the train block). */
    public void checkLabels(Tensor batch) {
        if (classes <= 0 || batch == null) return;
        for (int i = 0; i < batch.size(); i++) {
            long v = batch.getLong(i);
            if (v < 0 || v >= classes)
                throw new DlmException(at, "label " + v + " (row " + i + " of a batch) is outside the " + classes + " classes of model " + modelName
                        + "'s output: labels must be 0 to " + (classes - 1));
        }
    }

    public static TrainGraph build(CheckedProgram p, TrainConfig t) { return new TrainGraph(p, Spec.of(t)); }

    /** Whether the step takes several inputs or labels: the data feeds it by name ({@link #feed(int, int)}). */
    public boolean byName() { return inputs.size() > 1 || outputs.size() > 1; }

    /** What input {@code input} and the labels of output {@code head} take from a file data source. */
    public ModelFeed feed(int input, int head) {
        Node in = inputs.get(input);
        return new ModelFeed(modelName, in.name(), in.type(), in.span(), labelInputs.get(head).type(), headClasses == null ? classes : headClasses[head], outputs.get(head).span());
    }

    /** What this step takes from a file data source: its images input and its labels, and the classes the labels index. */
    public ModelFeed feed() { return new ModelFeed(modelName, images.name(), images.type(), images.span(), labels.type(), classes, output.span()); }

    /** A train step for any model of the program (tests train on in-memory data this way). */
    public static TrainGraph build(CheckedProgram p, Spec spec) { return new TrainGraph(p, spec); }

    /** Every weight a checkpoint holds: the params, then the states. */
    public List<Node> weights() {
        List<Node> w = new ArrayList<>(params);
        w.addAll(states);
        return w;
    }

    /** The optimizer slots every backend starts from, per param name (for the params' current values). */
    public Map<String, List<Tensor>> initialSlots(ParamStore params) {
        Map<String, List<Tensor>> out = new LinkedHashMap<>();
        for (Node p : this.params) out.put(p.name(), initialSlots(p, params));
        return out;
    }

    /** One param's slots: zero, or what std.optim's {@code <name>Init} gives for its value. */
    private List<Tensor> initialSlots(Node p, ParamStore params) {
        List<Tensor> out = new ArrayList<>();
        if (slotInit == null) {
            for (int i = 0; i < slotNames.size(); i++) out.add(Tensor.zeros(p.type().dtype(), p.type().shape().sizes()));
            return out;
        }
        Graph g = new Graph();
        Elaborator el = Elaborator.forGraph(g);
        Node w = g.addTyped(OpRegistry.get("input"), List.of(), Attrs.EMPTY, p.type(), p.span(), "w");
        List<Signature.ArgValue> args = new ArrayList<>();
        args.add(new Signature.ArgValue(null, new Value.TensorV(w), p.span()));
        Node step0 = el.constant(Tensor.scalar(DType.F32, 1), p.span());
        for (var e : hyperValues(hyper, el, step0, p.span()).entrySet()) args.add(new Signature.ArgValue(e.getKey(), e.getValue(), p.span()));
        Value r = el.call(slotInit, args, p.span(), new Elaborator.Frame("", "function"), null);
        List<Node> nodes = new ArrayList<>();
        List<Value> items = ((Value.ListV) r).items();
        for (int k : liveSlots) nodes.add(el.tensor(items.get(k), p.span()));
        Map<Node, Tensor> vals = new Interpreter(g, new ParamStore()).run(Map.of(w, params.get(p.name())), nodes);
        for (Node n : nodes) out.add(vals.get(n));
        return out;
    }

    /**
     * The optimizer's hyperparameters as DLM values: numbers and Bools stay compile-time values.
     * A learning rate given as a schedule (a function of the step, such as std.optim's
     * exponentialDecay) becomes its value at the iterations done before this update, step − 1:
     * Keras applies a schedule to optimizer.iterations, which counts from 0.
     */
    static Map<String, Value> hyperValues(Map<String, Object> hyper, Elaborator el, Node step, SourceSpan at) {
        Map<String, Value> out = new LinkedHashMap<>();
        for (var e : hyper.entrySet()) out.put(e.getKey(), switch (e.getValue()) {
            case Boolean b -> new Value.BoolV(b);
            case Value.FunV schedule -> new Value.TensorV(LearningRate.at(schedule, el, step, at));
            case Object o -> new Value.NumberV(((Number) o).doubleValue(), false, null);
        });
        return out;
    }

    /** The training loss: the block's loss plus the model's own loss and the losses its layers added. */
    private static Node total(Spec spec, Elaborator el, Node dataLoss, Node modelLoss, Node addedLoss) {
        Node total = dataLoss;
        for (Node extra : new Node[] {modelLoss, addedLoss}) {
            if (extra == null) continue;
            if (extra.type().dtype() != dataLoss.type().dtype())
                throw new DlmException(extra.span(), "model " + spec.model().name() + "'s " + (extra == modelLoss ? "loss" : "added loss") + " is " + extra.type()
                        + " but the train block's loss is " + dataLoss.type() + ": the two are added, so they need the same dtype (convert one with .toF32() or .toF64())");
            total = el.op("add", extra.span(), total, extra);
        }
        return total;
    }

    /** The batch's weight in the epoch's averages of the training metrics: its size, or with classWeight the sum of its samples' weights (Keras's weighted metrics). */
    public double metricWeight(Tensor labels) { return metricWeight(labels, null); }

    /**
     * {@link #metricWeight(Tensor)} of a batch with its sample weights (null: none): the sum of each
     * sample's weight, class weight × sample weight as the step multiplies them in f32.
     */
    public double metricWeight(Tensor labels, Tensor weights) {
        if (classWeight == null && weights == null) return labels.size();
        double sum = 0;
        int n = weights != null ? weights.size() : labels.size();
        for (int i = 0; i < n; i++) {
            float w = 1f;
            if (classWeight != null) {
                long c = labels.getLong(i);
                w = c >= 0 && c < classWeight.length ? (float) classWeight[(int) c] : 0f;
            }
            if (weights != null) w = classWeight != null ? w * (float) weights.getDouble(i) : (float) weights.getDouble(i);
            sum += w;
        }
        return sum;
    }

    private Node apply(Elaborator el, Value.FunV f, Elaborator.Frame frame, String name, Value sampleWeight) {
        return apply(el, f, frame, name, sampleWeight, labels, output);
    }

    /** f(labels, output), named {@code name}: a loss or metric of one output. */
    private static Node apply(Elaborator el, Value.FunV f, Elaborator.Frame frame, String name, Value sampleWeight, Node labels, Node output) {
        SourceSpan at = labels.span();
        List<Signature.ArgValue> args = new ArrayList<>(List.of(new Signature.ArgValue(null, new Value.TensorV(labels), at), new Signature.ArgValue(null, new Value.TensorV(output), at)));
        if (sampleWeight != null) args.add(new Signature.ArgValue("sampleWeight", sampleWeight, at));
        Value r = el.call(f, args, at, frame, name);
        Node n = el.tensor(r, at);
        n.nameIfUnnamed(name);
        return n;
    }

}
