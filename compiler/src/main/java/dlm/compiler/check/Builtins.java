package dlm.compiler.check;

import dlm.compiler.check.Signature.Param;
import dlm.compiler.check.Value.*;
import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceSpan;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Node;
import dlm.runtime.DType;
import dlm.runtime.init.InitializerSpec;
import dlm.runtime.init.Initializers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/**
 * The prelude: functions every DLM file sees without an import. Most map one-to-one onto
 * registry ops ({@link TensorBuiltins}); the rest build compile-time values — initializers,
 * train-block configurations, constants — or print ({@link #register}).
 */
public final class Builtins {
    private Builtins() {}

    /** The body of a builtin. */
    @FunctionalInterface
    public interface Impl {
        Value apply(Call call);
    }

    /** A builtin function: its name, its parameters and its body. */
    public record Builtin(String name, Signature signature, Impl impl) {
        Value call(Call c) { return impl.apply(c); }
    }

    /** One call of a builtin: the elaborator, the bound arguments and the call's location. */
    public record Call(Elaborator el, Signature.Bound args, SourceSpan span, Elaborator.Frame frame) {
        public Value arg(String name) { return args.get(name); }

        public SourceSpan spanOf(String name) { return args.span(name); }

        public Node tensor(String name) { return el.tensor(arg(name), spanOf(name)); }

        public boolean given(String name) { return !(arg(name) instanceof UnitV); }

        public long intArg(String name) { return Elaborator.intValue(arg(name), spanOf(name), "'" + name + "'"); }

        public double numberArg(String name) {
            if (arg(name) instanceof NumberV n) return n.value();
            throw new DlmException(spanOf(name), "'" + name + "' must be a number, got " + arg(name).describe());
        }

        public boolean boolArg(String name) {
            if (arg(name) instanceof BoolV b) return b.value();
            throw new DlmException(spanOf(name), "'" + name + "' must be true or false, got " + arg(name).describe());
        }

        public DType dtypeArg(String name) {
            if (arg(name) instanceof DTypeV d) return d.dtype();
            throw new DlmException(spanOf(name), "'" + name + "' must be a dtype such as f32, got " + arg(name).describe());
        }

        public Node op(String op, Attrs attrs, Node... inputs) { return el.op(op, List.of(inputs), attrs, span); }
    }

    /** Marks an optional argument that was not given. */
    static final Value ABSENT = new UnitV();

    private static final Map<String, Value> PRELUDE = new LinkedHashMap<>();

    /**
     * The options every optimizer takes besides its update rule's hyperparameters (Keras's base
     * Optimizer's): off at 0; the training compiler applies them around the update rule.
     */
    public static final List<String> OPTIMIZER_OPTIONS = List.of("weightDecay", "clipNorm", "clipValue", "globalClipNorm"); // (before the static block, which uses it)

    /** Per kind of configuration ("dataset", "optimizer"), each one's name and the arguments it accepts. */
    private static final Map<String, Map<String, List<String>>> CONFIGS = new LinkedHashMap<>();

    static {
        for (DType d : DType.values()) PRELUDE.put(d.dlmName(), new DTypeV(d));
        PRELUDE.put("PI", new NumberV(Math.PI, false, null));
        PRELUDE.put("E", new NumberV(Math.E, false, null));
        // true in the train step, false in eval and predict (a bool scalar tensor)
        PRELUDE.put(RuntimeInputs.TRAINING, new RuntimeV(RuntimeInputs.TRAINING));
        TensorBuiltins.register();
        RandomBuiltins.register();
        ImageBuiltins.register();
        StateBuiltins.register();
        register();
    }

    static void define(String name, Impl impl, Param... params) {
        PRELUDE.put(name, new BuiltinFun(new Builtin(name, Signature.of(name, params), impl)));
    }

    /** The prelude's value of a name defined so far (null when none). */
    static Value defined(String name) { return PRELUDE.get(name); }

    /** A scope holding the prelude; each file's scope is a child of a fresh copy. */
    public static Scope prelude() {
        Scope s = new Scope(null);
        PRELUDE.forEach(s::define);
        return s;
    }

    static Param req(String n) { return Param.required(n); }

    static Param opt(String n) { return Param.optional(n, ABSENT); }

    static Param opt(String n, Value v) { return Param.optional(n, v); }

    static Param rest(String n) { return Param.varargs(n); }

    static NumberV num(double v) { return new NumberV(v, false, null); }

    static NumberV integer(long v) { return new NumberV(v, true, null); }

    // ---- printing, initializers, train configurations ------------------------------------------

    private static void register() {
        SampleWeights.register();
        define("addLoss", c -> {
            // Keras's add_loss: a penalty (a regularizer's, on a layer's weights) that train adds to
            // the training loss. A compile-time 0 (std.nn's noRegularizer) adds nothing to the graph.
            if (c.arg("loss") instanceof NumberV n && n.value() == 0) return new UnitV();
            Node t = c.tensor("loss");
            if (t.type().rank() != 0 || !t.type().dtype().isFloating())
                throw new DlmException(c.spanOf("loss"), "addLoss needs a floating-point scalar, got " + t.type());
            Node prev = c.el().graph.output(ADDED_LOSS);
            if (prev != null && prev.type().dtype() != t.type().dtype())
                throw new DlmException(c.spanOf("loss"), "addLoss got " + t.type() + " after " + prev.type() + ": the added losses are summed, so they need one dtype");
            c.el().graph.setOutput(ADDED_LOSS, prev == null ? t : c.op("add", Attrs.EMPTY, prev, t));
            return new UnitV();
        }, req("loss"));
        define("println", c -> { c.el().print(new PrintAction(List.copyOf(c.args().varargs()), true, c.span())); return new UnitV(); }, rest("values"));
        define("print", c -> { c.el().print(new PrintAction(List.copyOf(c.args().varargs()), false, c.span())); return new UnitV(); }, rest("values"));

        // Initializers for params: the runtime's registry gives names, parameters and defaults.
        // zeros()/ones() are defined with the tensor constructors, which they double as.
        for (InitializerSpec spec : Initializers.specs()) {
            if (spec.name().equals("zeros") || spec.name().equals("ones")) continue;
            List<Object> pd = new ArrayList<>();
            for (int i = 0; i < spec.paramNames().size(); i++) { pd.add(spec.paramNames().get(i)); pd.add(num(spec.defaults().get(i))); }
            initializer(spec.name(), pd.toArray());
        }

        // Train-block configurations: datasets and optimizers (Keras defaults).
        // A dataset's split is absent by default: `data` trains on the train split and tests on the
        // test split; `validationData` names the split it validates on (TrainBlock checks both).
        config("dataset", "mnist", "split", ABSENT);
        config("dataset", "fashionMnist", "split", ABSENT);
        config("dataset", "cifar10", "split", ABSENT);
        config("dataset", "bostonHousing", "split", ABSENT);
        DataBuiltins.register();
        // Every optimizer also takes Keras's base options: weightDecay (decoupled), clipNorm,
        // clipValue, globalClipNorm, off at 0 (TrainGraph applies them around the update rule).
        config("optimizer", "sgd", options(0, "learningRate", num(0.01), "momentum", num(0.0), "nesterov", new BoolV(false)));
        config("optimizer", "adam", options(0, "learningRate", num(0.001), "beta1", num(0.9), "beta2", num(0.999), "epsilon", num(1e-7)));
        config("optimizer", "adamw", options(0.004, "learningRate", num(0.001), "beta1", num(0.9), "beta2", num(0.999), "epsilon", num(1e-7)));
        config("optimizer", "rmsprop", options(0, "learningRate", num(0.001), "rho", num(0.9), "momentum", num(0.0), "epsilon", num(1e-7)));
        config("optimizer", "adagrad", options(0, "learningRate", num(0.001), "initialAccumulatorValue", num(0.1), "epsilon", num(1e-7)));
        // Callbacks (Keras's, with its defaults; dlm.runtime.train holds their logic).
        StringV valLoss = new StringV("val_loss"), auto = new StringV("auto");
        config("callback", "earlyStopping", "monitor", valLoss, "minDelta", num(0), "patience", integer(0), "mode", auto, "restoreBestWeights", new BoolV(false));
        // its monitor and mode matter only with saveBestOnly: absent unless given (then val_loss, auto)
        config("callback", "modelCheckpoint", "filepath", null, "monitor", ABSENT, "saveBestOnly", new BoolV(false), "mode", ABSENT);
        config("callback", "reduceLrOnPlateau", "monitor", valLoss, "factor", num(0.1), "patience", integer(10), "mode", auto, "minDelta", num(1e-4),
                "cooldown", integer(0), "minLr", num(0));
    }

    private static void initializer(String name, Object... paramsAndDefaults) {
        List<Param> ps = new ArrayList<>();
        for (int i = 0; i < paramsAndDefaults.length; i += 2) ps.add(opt((String) paramsAndDefaults[i], (Value) paramsAndDefaults[i + 1]));
        define(name, c -> {
            Map<String, Double> args = new LinkedHashMap<>();
            for (Param p : ps) args.put(p.name(), c.numberArg(p.name()));
            return new InitV(name, args);
        }, ps.toArray(Param[]::new));
    }

    /** The configurations of a kind and the arguments each accepts (the list "no silent settings" tests enumerate). */
    public static Map<String, List<String>> configs(String kind) { return java.util.Collections.unmodifiableMap(CONFIGS.getOrDefault(kind, Map.of())); }

    /** An optimizer's own arguments followed by the base options, with weightDecay's default. */
    private static Object[] options(double weightDecay, Object... own) {
        List<Object> all = new ArrayList<>(List.of(own));
        for (String o : OPTIMIZER_OPTIONS) all.addAll(List.of(o, num(o.equals("weightDecay") ? weightDecay : 0)));
        return all.toArray();
    }

    /**
     * A configuration builtin. Each argument takes values of its default's kind (a number, a Bool,
     * a String); a null default makes it required (a String: modelCheckpoint's filepath); ABSENT
     * leaves it out unless given (a dataset's split). An optimizer's learningRate may also be a
     * schedule, a function of the step.
     */
    private static void config(String kind, String name, Object... paramsAndDefaults) {
        List<Param> ps = new ArrayList<>();
        Map<String, Value> defaults = new LinkedHashMap<>();
        for (int i = 0; i < paramsAndDefaults.length; i += 2) {
            String p = (String) paramsAndDefaults[i];
            Value d = (Value) paramsAndDefaults[i + 1];
            ps.add(d == null ? req(p) : opt(p, d));
            defaults.put(p, d);
        }
        CONFIGS.computeIfAbsent(kind, k -> new LinkedHashMap<>()).put(name, ps.stream().map(Param::name).toList());
        define(name, c -> {
            Map<String, Object> args = new LinkedHashMap<>();
            for (Param p : ps) {
                Value v = c.arg(p.name());
                if (v instanceof UnitV) continue;
                Value d = defaults.get(p.name());
                boolean split = p.name().equals("split"), schedule = p.name().equals("learningRate") && kind.equals("optimizer");
                Object o = switch (v) {
                    // an argument whose default is an Int (a patience, a cooldown) takes Ints
                    case NumberV n when d instanceof NumberV dn && dn.isInt() && n.isInt() -> n.asLong();
                    case NumberV n when d instanceof NumberV dn && dn.isInt() ->
                            throw new DlmException(c.spanOf(p.name()), "'" + p.name() + "' of " + name + "() must be an Int, got " + Show.number(n.value()));
                    case NumberV n when d instanceof NumberV -> n.value();
                    // a learning-rate schedule: a function of the step (std.optim's exponentialDecay, …)
                    case FunV f when schedule -> f;
                    case BoolV b when d instanceof BoolV -> b.value();
                    case StringV str when split && SPLITS.contains(str.value()) -> str.value();
                    case StringV str when !split && (d == null || d instanceof StringV || d instanceof UnitV) -> str.value();
                    default -> throw new DlmException(c.spanOf(p.name()), "'" + p.name() + "' of " + name + "() must be "
                            + (split ? "\"train\" or \"test\"" : schedule ? "a number or a schedule (a function of the step)"
                            : d instanceof NumberV ? "a number" : d instanceof BoolV ? "true or false" : "a String") + ", got " + describe(v));
                };
                if (o instanceof Double x && x < 0) throw new DlmException(c.spanOf(p.name()), "'" + p.name() + "' of " + name + "() must not be negative, got " + Show.number(x));
                if (o instanceof Long x && x < 0) throw new DlmException(c.spanOf(p.name()), "'" + p.name() + "' of " + name + "() must not be negative, got " + x);
                args.put(p.name(), o);
            }
            return new ConfigV(kind, name, args);
        }, ps.toArray(Param[]::new));
    }

    /** The graph output holding the sum of the losses {@code addLoss} added (Keras's model.losses). */
    public static final String ADDED_LOSS = "addedLoss";

    /** The splits a dataset has. */
    static final List<String> SPLITS = List.of("train", "test");

    private static String describe(Value v) { return v instanceof StringV s ? "\"" + s.value() + "\"" : v.describe(); }

    /** Applies a double function to a compile-time number (math on literals stays compile-time). */
    static Value mapNumber(NumberV n, DoubleUnaryOperator f, boolean keepsInt) {
        return new NumberV(f.applyAsDouble(n.value()), keepsInt && n.isInt(), n.explicitType());
    }
}
