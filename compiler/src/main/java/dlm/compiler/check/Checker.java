package dlm.compiler.check;

import dlm.compiler.ast.Ast;
import dlm.compiler.check.Value.*;
import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceSpan;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.compiler.ops.OpRegistry;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a parsed file and builds its graphs: resolves imports, hoists functions and models,
 * elaborates each model into its own graph, checks train blocks, then elaborates the top-level
 * statements (the script). Models are elaborated before the script, so they cannot capture
 * script values: a model's graph holds only its own inputs, params and constants.
 */
public final class Checker {
    private final ModuleLoader loader;

    public Checker(ModuleLoader loader) { this.loader = loader; }

    public Checker() { this(new ModuleLoader()); }

    /** Where a recovering check collects its errors; null: the first error is thrown. */
    private List<DlmException> recovered;

    /**
     * A checker that goes on after an error in a model, a train block or the script, collecting
     * the errors in {@code errors} (in the order found) and leaving what failed out of the
     * result: the language server reports them all. Errors in the file's imports and
     * declarations are still thrown. The first error collected is the one {@code dlmc check} prints.
     */
    public Checker recovering(List<DlmException> errors) {
        this.recovered = errors;
        return this;
    }

    public CheckedProgram check(Ast.Program prog) {
        Scope imports = Builtins.prelude().child();
        importAll(prog, imports, loader);
        Scope file = imports.child();
        Map<String, SourceSpan> declared = new LinkedHashMap<>();
        for (Ast.Decl d : prog.decls()) {
            switch (d) {
                case Ast.FunDecl f -> { declare(declared, f.name(), f.nameSpan()); file.define(f.name(), new UserFun(f, file)); }
                case Ast.ModelDecl m -> { declare(declared, m.name(), m.nameSpan()); file.define(m.name(), new ModelV(m)); }
                default -> { }
            }
        }
        Map<String, CheckedModel> models = new LinkedHashMap<>();
        for (Ast.Decl d : prog.decls()) {
            if (!(d instanceof Ast.ModelDecl m)) continue;
            try {
                models.put(m.name(), model(m, file));
            } catch (DlmException e) {
                if (recovered == null) throw e;
                recovered.add(e);
            }
        }

        List<TrainConfig> trains = new ArrayList<>();
        for (Ast.Decl d : prog.decls()) {
            if (!(d instanceof Ast.TrainDecl t)) continue;
            if (recovered != null && file.lookup(t.model()) instanceof ModelV && !models.containsKey(t.model())) continue; // its model failed
            try {
                if (!trains.isEmpty())
                    throw new DlmException(t.span(), "a second train block: a file has at most one, so that dlmc train knows what to train (the first is train("
                            + trains.get(0).decl().model() + ") at " + trains.get(0).decl().span().location() + ")");
                trains.add(TrainBlock.check(t, file, models));
            } catch (DlmException e) {
                if (recovered == null) throw e;
                recovered.add(e);
            }
        }

        Graph script = new Graph();
        List<PrintAction> prints = new ArrayList<>();
        Elaborator el = new Elaborator(script, prints);
        Elaborator.Frame frame = new Elaborator.Frame("", "script");
        try {
            for (Ast.Decl d : prog.decls()) if (d instanceof Ast.TopLevelStmt s) el.exec(s.stmt(), file, frame);
        } catch (DlmException e) { // the script stops at its first error: later statements may need what failed
            if (recovered == null) throw e;
            recovered.add(e);
        }
        return new CheckedProgram(prog, script, prints, models, trains, file, loader);
    }

    private static void declare(Map<String, SourceSpan> declared, String name, SourceSpan at) {
        SourceSpan first = declared.putIfAbsent(name, at);
        if (first != null) throw new DlmException(at, "duplicate definition of '" + name + "' (first defined at " + first.location() + ")");
    }

    /** Defines the names a file's imports bring into {@code scope}. */
    static void importAll(Ast.Program prog, Scope scope, ModuleLoader loader) {
        for (Ast.Import im : prog.imports()) {
            if (im.wildcard()) {
                Scope m = loader.module(im.path(), im.span());
                for (String n : m.visibleNames()) scope.define(n, m.lookup(n));
            } else {
                if (im.path().size() < 2) throw new DlmException(im.span(), "import a module's names with 'import std.nn.*' or one name with 'import std.nn.dense'");
                List<String> mod = im.path().subList(0, im.path().size() - 1);
                String name = im.path().get(im.path().size() - 1);
                Scope m = loader.module(mod, im.span());
                Value v = m.lookup(name);
                if (v == null) {
                    String s = Suggest.closest(name, m.visibleNames());
                    throw new DlmException(im.span(), "module " + String.join(".", mod) + " has no '" + name + "'" + (s != null ? "; did you mean '" + s + "'?" : ""));
                }
                scope.define(name, v);
            }
        }
    }

    /** Elaborates one model into a fresh graph. */
    static CheckedModel model(Ast.ModelDecl m, Scope file) {
        Graph g = new Graph();
        elaborateModel(new Elaborator(g, null), m, file);
        return new CheckedModel(m, g);
    }

    /**
     * Elaborates a model's inputs and body into the elaborator's graph, setting its outputs
     * ({@code output}, {@code loss}). Training reuses this to build the train-step graph.
     */
    public static void elaborateModel(Elaborator el, Ast.ModelDecl m, Scope file) {
        Graph g = el.graph;
        Scope scope = file.child();
        Elaborator.Frame frame = new Elaborator.Frame("", "model");
        for (Ast.ParamDecl p : m.params()) {
            if (!(p.type() instanceof Ast.TensorTypeRef tt))
                throw new DlmException(p.span(), "model input '" + p.name() + "' needs a tensor type such as u8[batch, 28, 28]");
            if (scope.definesLocally(p.name())) throw new DlmException(p.span(), "duplicate definition of '" + p.name() + "'");
            TensorType type = Types.resolveInput(el, tt, scope);
            Attrs attrs = Attrs.EMPTY;
            if (p.defaultValue() != null) attrs = Attrs.of("default", defaultValue(el, p, type, scope, frame));
            Node in = g.addTyped(OpRegistry.get("input"), List.of(), attrs, type, p.span(), p.name());
            scope.define(p.name(), new TensorV(in));
            el.declared(p.span(), p.name(), new TensorV(in));
        }
        el.execBlock(m.body().stmts(), scope, frame);
        if (frame.returned instanceof ListV l) {
            // A model may return several values: outputs output0, output1, …
            for (int i = 0; i < l.items().size(); i++) {
                Node out = el.tensor(l.items().get(i), m.span());
                out.nameIfUnnamed("output" + i);
                g.setOutput("output" + i, out);
            }
        } else if (frame.returned != null) {
            Node out = el.tensor(frame.returned, m.span());
            out.nameIfUnnamed("output");
            g.setOutput("output", out);
        }
        if (g.outputs().isEmpty())
            throw new DlmException(m.nameSpan(), "model " + m.name() + " computes nothing: add a return statement or assign loss");
    }

    /**
     * Why a model cannot be trained when it has no single {@code output}: what it returns (several
     * values, or only an assigned loss) and what train needs.
     */
    public static String noTrainOutput(String model, Graph g) {
        String needs = "train needs the model to return one tensor, its predictions, which the loss compares with the labels";
        List<String> outs = new ArrayList<>();
        g.outputs().forEach((k, n) -> { if (k.startsWith("output")) outs.add(n.type().toString()); });
        if (outs.size() > 1)
            return "model " + model + " returns " + outs.size() + " values (" + String.join(", ", outs) + "), but " + needs
                    + "; return only the predictions";
        if (g.output("loss") != null)
            return "model " + model + " assigns a loss but returns nothing; " + needs + " (train's loss setting computes the loss)";
        return "model " + model + " returns nothing; " + needs;
    }

    private static Tensor defaultValue(Elaborator el, Ast.ParamDecl p, TensorType type, Scope scope, Elaborator.Frame frame) {
        if (!type.shape().isKnown())
            throw new DlmException(p.defaultValue().span(), "an input with symbolic dims cannot have a default value");
        Value v = el.eval(p.defaultValue(), scope, frame);
        Tensor t;
        if (v instanceof NumberV n) {
            dlm.compiler.ir.MemoryEstimate.requireTensor(p.name(), type, p.defaultValue().span());
            t = Tensor.zeros(type.dtype(), type.shape().sizes());
            for (int i = 0; i < t.size(); i++) t.setDouble(i, n.value());
            if (!n.isInt() && !type.dtype().isFloating())
                throw new DlmException(p.defaultValue().span(), "default value " + Show.number(n.value()) + " does not fit " + type);
        } else if (v instanceof TensorV tv && isConstantExpression(tv.node())) {
            // a literal, or any expression of constants (tensor([1, 2], dtype = i64), full(…) + 1):
            // evaluated now, by the reference interpreter
            Tensor c = tv.node().is("constant") ? tv.node().attrs().getTensor("value")
                    : new dlm.compiler.interp.Interpreter(el.graph, new dlm.compiler.interp.ParamStore()).run(java.util.Map.of(), List.of(tv.node())).get(tv.node());
            if (!Shape.of(c.shape()).equals(type.shape()))
                throw new DlmException(p.defaultValue().span(), "default value has shape " + Shape.of(c.shape()).tuple() + " but input '" + p.name() + "' is " + type);
            Tensor lit = el.literalValue(tv.node(), type.dtype());
            t = lit != null ? lit : c.cast(type.dtype());
        } else {
            throw new DlmException(p.defaultValue().span(), "a default value must be a number or a tensor literal, got " + v.describe());
        }
        return t;
    }

    /** Whether n depends on constants only (no input, no param). */
    private static boolean isConstantExpression(Node n) {
        java.util.ArrayDeque<Node> pending = new java.util.ArrayDeque<>(List.of(n));
        java.util.Set<Node> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        while (!pending.isEmpty()) {
            Node m = pending.pop();
            if (!seen.add(m)) continue;
            if (m.is("input") || m.is("param")) return false;
            pending.addAll(m.inputs());
        }
        return true;
    }
}
