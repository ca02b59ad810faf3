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
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Elaborates statements and expressions into one graph. DLM is staged: numbers, dims, shapes,
 * functions and initializers are computed here, at compile time; tensor expressions become
 * typed graph nodes, each checked by its op's rule as it is added and located at its source.
 * User functions are inlined at each call, so a function that declares params gets fresh ones
 * per call site, named after the {@code val} that receives the call ({@code hidden.W}).
 */
public final class Elaborator {
    private static final int MAX_CALL_DEPTH = 200;

    public final Graph graph;
    private final List<PrintAction> prints;
    private final Set<String> usedPaths = new HashSet<>();
    private final Set<String> usedStreams = new HashSet<>();
    private final Set<Integer> usedStreamNumbers = new HashSet<>();
    /** Each state's value after a train step, by state name ({@code assign}), in assignment order. */
    private final Map<String, Node> stateUpdates = new java.util.LinkedHashMap<>();
    /** Spans of the calls being elaborated, innermost last. */
    /**
     * The exact (f64) values of the numeric list literals, by the constant node each was
     * elaborated to in its default dtype (f32 or i32): a literal takes the precision of the type
     * it is used at, so {@code val x: f64[2] = [0.1, 0.2]} and {@code tensor([0.1], dtype = f64)}
     * are never rounded through f32 (as a scalar {@code 0.1} is not).
     */
    private final Map<Node, Tensor> literals = new java.util.IdentityHashMap<>();
    private final java.util.ArrayDeque<SourceSpan> callSites = new java.util.ArrayDeque<>();
    private int depth;
    /** Who watches this elaboration (the language server's hovers), or null: see {@link ElaborationObserver}. */
    private final ElaborationObserver observer = ElaborationObserver.current();

    /** One activation: a model body, a function call or the script. */
    public static final class Frame {
        final String path;
        final String kind; // "model", "function", "script", "lambda"
        Value returned;

        public Frame(String path, String kind) {
            this.path = path;
            this.kind = kind;
        }

        String qualify(String name) { return path.isEmpty() ? name : path + "." + name; }
    }

    /** An elaborator for graphs built outside a file's own elaboration (training, tests). */
    public static Elaborator forGraph(Graph graph) { return new Elaborator(graph, null); }

    public Elaborator(Graph graph, List<PrintAction> prints) {
        this.graph = graph;
        this.prints = prints;
    }

    // ---- statements ----------------------------------------------------------------------------

    void execBlock(List<Ast.Stmt> stmts, Scope scope, Frame frame) {
        for (Ast.Stmt st : stmts) {
            if (frame.returned != null)
                throw new DlmException(st.span(), "unreachable code after return");
            exec(st, scope, frame);
        }
    }

    void exec(Ast.Stmt st, Scope scope, Frame frame) {
        switch (st) {
            case Ast.ValStmt v -> {
                if (scope.definesLocally(v.name()))
                    throw new DlmException(v.nameSpan(), "duplicate definition of '" + v.name() + "'");
                Value val = evalNamed(v.value(), scope, frame, v.name());
                if (v.type() != null) val = Types.conform(this, val, v.type(), scope, "'" + v.name() + "'", v.value().span(), false);
                if (val instanceof TensorV t) t.node().nameIfUnnamed(frame.qualify(v.name()));
                scope.define(v.name(), val);
                declared(v.nameSpan(), v.name(), val);
            }
            case Ast.ParamStmt p -> declareParam(p, scope, frame);
            case Ast.ReturnStmt r -> {
                if (frame.kind.equals("script"))
                    throw new DlmException(r.span(), "return is only allowed inside a fun or model");
                frame.returned = evalNamed(r.value(), scope, frame, frame.kind.equals("model") ? "output" : null);
            }
            case Ast.AssignStmt a -> {
                if (!frame.kind.equals("model") || !a.target().equals("loss"))
                    throw new DlmException(a.targetSpan(), "cannot assign to '" + a.target() + "': vals are read-only"
                            + (frame.kind.equals("model") ? "; a model may only assign 'loss'" : ""));
                if (graph.output("loss") != null)
                    throw new DlmException(a.targetSpan(), "loss is assigned twice");
                Node loss = tensor(evalNamed(a.value(), scope, frame, "loss"), a.value().span());
                if (!loss.type().dtype().isFloating())
                    throw new DlmException(a.value().span(), "loss must be a floating-point tensor, got " + loss.type());
                if (loss.type().rank() != 0)
                    throw new DlmException(a.value().span(), "loss must be a scalar, got " + loss.type()
                            + ": gradients are taken of one number; reduce it with sum(…) or mean(…)");
                loss.nameIfUnnamed("loss");
                graph.setOutput("loss", loss);
            }
            case Ast.ExprStmt e -> {
                Value v = eval(e.expr(), scope, frame);
                if (!(v instanceof UnitV)) warn(e.expr().span(), unusedValue(e.expr()));
            }
        }
    }

    /**
     * The warning for an expression statement whose value is dropped. DLM has no side effects
     * but printing, so such a value is dead — most often a continuation line starting with an
     * operator, which (as in Kotlin) begins a new statement instead of continuing the line above.
     */
    private static String unusedValue(Ast.Expr e) {
        if (e instanceof Ast.Unary u && (u.op().equals("+") || u.op().equals("-"))) {
            String line = e.span().file().line(e.span().line());
            if (line.substring(0, Math.min(line.length(), Math.max(0, e.span().column() - 1))).isBlank())
                return "the value of this expression is unused: a line starting with '" + u.op() + "' begins a new statement (as in Kotlin),"
                        + " it does not continue the line above; to continue it, end the line above with '" + u.op() + "'";
        }
        return "the value of this expression is unused";
    }

    private void declareParam(Ast.ParamStmt p, Scope scope, Frame frame) {
        String what = p.trainable() ? "param" : "state";
        if (frame.kind.equals("script") || frame.kind.equals("lambda"))
            throw new DlmException(p.span(), what + " is only allowed inside a fun or model");
        if (scope.definesLocally(p.name()))
            throw new DlmException(p.nameSpan(), "duplicate definition of '" + p.name() + "'");
        if (!(p.type() instanceof Ast.TensorTypeRef tt))
            throw new DlmException(p.type().span(), "a " + what + " needs a tensor type such as f32[784, 512]");
        TensorType type = Types.resolveStatic(this, tt, scope);
        if (!type.shape().isKnown())
            throw new DlmException(tt.span(), "a " + what + "'s shape must be known when the program is compiled, got " + type);
        if (!type.dtype().isFloating())
            throw new DlmException(tt.span(), "a " + what + " must have a floating-point dtype, got " + type.dtype());
        InitV init;
        if (p.init() == null) init = new InitV("zeros", Map.of());
        else {
            Value v = eval(p.init(), scope, frame);
            init = switch (v) {
                case InitV i -> i;
                case NumberV n -> new InitV("constant", Map.of("value", n.value()));
                default -> throw new DlmException(p.init().span(),
                        "a " + what + "'s initializer must be a number or an initializer such as uniform(-0.05, 0.05), got " + v.describe());
            };
        }
        String name = uniqueParamName(frame.qualify(p.name()));
        Node n = graph.addTyped(OpRegistry.get("param"), List.of(), p.trainable() ? Attrs.of("init", init) : Attrs.of("init", init, "trainable", false), type, userSpan(p.span()), name);
        scope.define(p.name(), new TensorV(n));
        declared(p.nameSpan(), p.name(), new TensorV(n));
    }

    /** Tells the observer, if any, that {@code name} (declared at {@code nameSpan}) has the value {@code v}. */
    void declared(SourceSpan nameSpan, String name, Value v) {
        if (observer != null) observer.declared(nameSpan, name, v);
    }

    private String uniqueParamName(String name) {
        Set<String> taken = new HashSet<>();
        for (Node n : graph.params()) taken.add(n.name());
        if (!taken.contains(name)) return name;
        for (int i = 1; ; i++) if (!taken.contains(name + "_" + i)) return name + "_" + i;
    }

    // ---- expressions ---------------------------------------------------------------------------

    Value eval(Ast.Expr e, Scope scope, Frame frame) { return evalNamed(e, scope, frame, null); }

    /** Evaluates e; when e is a call, {@code hint} names the call's frame (and so its params). */
    Value evalNamed(Ast.Expr e, Scope scope, Frame frame, String hint) {
        Value v = evalUnobserved(e, scope, frame, hint);
        if (observer != null) observer.expression(e, v);
        return v;
    }

    private Value evalUnobserved(Ast.Expr e, Scope scope, Frame frame, String hint) {
        return switch (e) {
            case Ast.IntLit i -> new NumberV(i.value(), true, null);
            case Ast.FloatLit f -> new NumberV(f.value(), false, f.f32Suffix() ? DType.F32 : null);
            case Ast.BoolLit b -> new BoolV(b.value());
            case Ast.StringLit s -> new StringV(s.value());
            case Ast.Name n -> lookup(n.id(), n.span(), scope);
            case Ast.FunRef r -> {
                Value v = lookup(r.name(), r.span(), scope);
                if (!(v instanceof FunV)) throw new DlmException(r.span(), "'" + r.name() + "' is " + v.describe() + ", not a function");
                yield v;
            }
            case Ast.Lambda l -> new LambdaFun(l, scope);
            case Ast.Unary u -> Operators.unary(this, u.op(), eval(u.operand(), scope, frame), u.span());
            case Ast.Binary b -> evalBinary(b, scope, frame);
            case Ast.Call c when !(c.callee() instanceof Ast.Member) -> evalCall(c, null, scope, frame, hint);
            case Ast.Call c -> evalPostfix(c, scope, frame, hint);
            case Ast.Member m -> evalPostfix(m, scope, frame, hint);
            case Ast.Index ix -> evalPostfix(ix, scope, frame, hint);
            case Ast.ListLit l -> listLiteral(l, scope, frame);
        };
    }

    /**
     * A chain of binary operators, {@code a + b + c + …}, parsed left-deep: evaluated along its
     * left spine in a loop, so that a sum of 100,000 terms needs no deeper recursion than one of
     * two (only right operands, each a separate expression, recurse).
     */
    private Value evalBinary(Ast.Binary b, Scope scope, Frame frame) {
        java.util.ArrayDeque<Ast.Binary> spine = new java.util.ArrayDeque<>();
        Ast.Expr e = b;
        while (e instanceof Ast.Binary bb) {
            spine.push(bb);
            e = bb.left();
        }
        Value acc = eval(e, scope, frame);
        while (!spine.isEmpty()) {
            Ast.Binary bb = spine.pop();
            acc = Operators.binary(this, bb.op(), acc, eval(bb.right(), scope, frame), bb.opSpan(), bb.span());
        }
        return acc;
    }

    /** What a postfix expression applies to ({@code x} of {@code x.f(a)}, {@code x.name}, {@code x[i]}), or null. */
    private static Ast.Expr receiverOf(Ast.Expr e) {
        return switch (e) {
            case Ast.Call c when c.callee() instanceof Ast.Member m -> m.target();
            case Ast.Member m -> m.target();
            case Ast.Index ix -> ix.target();
            default -> null;
        };
    }

    /**
     * A chain of method calls, members and indexing, {@code x.f().g()[0].h()…}: its receivers are
     * evaluated innermost first in a loop, so 20,000 chained calls need no deeper recursion than one.
     */
    private Value evalPostfix(Ast.Expr e, Scope scope, Frame frame, String hint) {
        java.util.ArrayDeque<Ast.Expr> spine = new java.util.ArrayDeque<>();
        Ast.Expr base = e;
        for (Ast.Expr r = receiverOf(base); r != null; r = receiverOf(base)) {
            spine.push(base);
            base = r;
        }
        Value v = eval(base, scope, frame);
        while (!spine.isEmpty()) {
            Ast.Expr x = spine.pop();
            v = switch (x) {
                case Ast.Call c -> evalCall(c, v, scope, frame, x == e ? hint : null);
                case Ast.Member m -> Properties.get(this, v, m.name(), m.nameSpan(), m.span());
                case Ast.Index ix -> Indexing.index(this, v, ix.items(), scope, frame, ix.span());
                default -> throw new IllegalStateException("not a postfix expression: " + x.getClass().getSimpleName());
            };
        }
        return v;
    }

    Value lookup(String name, SourceSpan span, Scope scope) {
        Value v = scope.lookup(name);
        if (v == null) {
            String module = ModuleLoader.stdModuleOf(name);
            if (module != null) throw new DlmException(span, "unknown name '" + name + "': it is in " + module + "; add import " + module + ".*");
            String hint = Suggest.closest(name, scope.visibleNames());
            throw new DlmException(span, "unknown name '" + name + "'" + (hint != null ? "; did you mean '" + hint + "'?" : ""));
        }
        if (v instanceof RuntimeV r && r.name().equals(RuntimeInputs.TRAINING)) return new TensorV(RuntimeInputs.training(this, span));
        return v;
    }

    private Value listLiteral(Ast.ListLit l, Scope scope, Frame frame) {
        List<Value> items = new ArrayList<>();
        for (Ast.Expr it : l.items()) items.add(eval(it, scope, frame));
        ListV list = new ListV(items);
        if (TensorLiteral.isNumeric(list)) {
            Tensor exact = TensorLiteral.build(list, l.span(), literals);
            Node n = constant(exact.cast(TensorLiteral.defaultDType(list, literals)), l.span());
            literals.put(n, exact);
            return new TensorV(n);
        }
        return list;
    }

    /** Whether every (integer) value of {@code exact} is representable in integer or bool dtype {@code to}. */
    private static boolean fitsExactly(Tensor exact, DType to) {
        double lo = switch (to) { case U8, BOOL -> 0; case I32 -> Integer.MIN_VALUE; default -> -0x1p63; };
        double hi = switch (to) { case U8 -> 255; case BOOL -> 1; case I32 -> Integer.MAX_VALUE; default -> Math.nextDown(0x1p63); };
        for (int i = 0; i < exact.size(); i++) if (!(exact.getDouble(i) >= lo && exact.getDouble(i) <= hi)) return false;
        return true;
    }

    /**
     * A numeric list literal used at dtype {@code to}: a constant of that dtype built from the
     * literal's exact values (one rounding, not two); null when {@code n} is not a literal, or
     * when a literal with a float item is asked for an integer dtype (that stays a conversion).
     */
    public Node literalAs(Node n, DType to, SourceSpan span) {
        Tensor t = literalValue(n, to);
        if (t == null) return null;
        if (n.type().dtype() == to) return n;
        Node out = constant(t, span);
        literals.put(out, literals.get(n));
        return out;
    }

    /** The value {@link #literalAs} gives, without adding a node; null in the same cases. */
    public Tensor literalValue(Node n, DType to) {
        Tensor exact = literals.get(n);
        if (exact == null || (!to.isFloating() && (n.type().dtype().isFloating() || !fitsExactly(exact, to)))) return null;
        return n.type().dtype() == to ? n.attrs().getTensor("value") : exact.cast(to);
    }

    /** A call; for a method call {@code x.f(a)}, {@code target} is the value of {@code x}, already evaluated. */
    private Value evalCall(Ast.Call c, Value target, Scope scope, Frame frame, String hint) {
        FunV fn;
        List<Signature.ArgValue> args = new ArrayList<>();
        if (c.callee() instanceof Ast.Member m) {
            // Method-call syntax: x.f(a) is f(x, a), for every function (uniform call syntax).
            Value f = scope.lookup(m.name());
            if (!(f instanceof FunV fv)) {
                String sugg = Suggest.closest(m.name(), scope.visibleNames());
                throw new DlmException(m.nameSpan(), (f == null ? "unknown function '" + m.name() + "'" : "'" + m.name() + "' is " + f.describe() + ", not a function")
                        + (f == null && sugg != null ? "; did you mean '" + sugg + "'?" : ""));
            }
            fn = fv;
            args.add(new Signature.ArgValue(null, target, m.target().span()));
        } else {
            Value f = eval(c.callee(), scope, frame);
            if (f instanceof ModelV mv)
                throw new DlmException(c.callee().span(), "a model cannot be called like a function; train, evaluate or run " + mv.decl().name() + " with dlmc");
            if (!(f instanceof FunV fv)) throw new DlmException(c.callee().span(), "cannot call " + f.describe() + ": it is not a function");
            fn = fv;
        }
        for (Ast.Arg a : c.args()) args.add(new Signature.ArgValue(a.name(), eval(a.value(), scope, frame), a.span()));
        return call(fn, args, c.span(), frame, hint);
    }

    /** Evaluates {@code call} with {@code receiver} as its first argument (sequential builders). */
    Value callWithReceiver(Value receiver, Ast.Call call, Scope scope, Frame frame) {
        Value f = eval(call.callee(), scope, frame);
        if (!(f instanceof FunV fn)) throw new DlmException(call.callee().span(), "cannot call " + f.describe() + ": it is not a function");
        List<Signature.ArgValue> args = new ArrayList<>();
        args.add(new Signature.ArgValue(null, receiver, call.span()));
        for (Ast.Arg a : call.args()) args.add(new Signature.ArgValue(a.name(), eval(a.value(), scope, frame), a.span()));
        return call(fn, args, call.span(), frame, null);
    }

    /** Calls a function value with evaluated arguments. */
    public Value call(FunV fn, List<Signature.ArgValue> args, SourceSpan span, Frame frame, String hint) {
        if (++depth > MAX_CALL_DEPTH) throw new DlmException(span, "calls nested too deeply (more than " + MAX_CALL_DEPTH + "): is " + fn.name() + " recursive?");
        callSites.addLast(span);
        try {
            return switch (fn) {
                case BuiltinFun b -> b.impl().call(new Builtins.Call(this, b.impl().signature().bind(args, span), span, frame));
                case UserFun u -> callUser(u, args, span, frame, hint);
                case LambdaFun l -> callLambda(l, args, span, frame);
            };
        } catch (DlmException e) {
            // An error raised inside the standard library is the user's call's error: name that
            // call first (with its line and caret), and where in the library it was raised second.
            if (e.span() != null && isLibrary(e.span()) && span != null && !span.isNone() && !isLibrary(span))
                throw new DlmException(span, "in this call of " + fn.name() + ": " + e.getMessage() + " (raised at " + e.span().location() + ": "
                        + e.span().file().line(e.span().line()).strip() + ")", e);
            throw e;
        } finally {
            callSites.removeLast();
            depth--;
        }
    }

    /**
     * Where a node made at {@code span} is reported: code of the standard library is reported at
     * the user's call that reached it (a user reads "line 7: dense(...)", not a line of std.nn).
     */
    SourceSpan userSpan(SourceSpan span) {
        if (!isLibrary(span)) return span;
        var it = callSites.descendingIterator();
        while (it.hasNext()) {
            SourceSpan s = it.next();
            if (!isLibrary(s)) return s;
        }
        return span;
    }

    /** Records a warning at {@code span}, reported at the user's call when it is in the standard library. */
    public void warn(SourceSpan span, String message) {
        SourceSpan s = userSpan(span);
        if (!s.isNone() && !isLibrary(s)) s.file().warn(s, message);
    }

    private static boolean isLibrary(SourceSpan s) { return !s.isNone() && s.fileName().startsWith("<std."); }

    private Value callUser(UserFun u, List<Signature.ArgValue> args, SourceSpan span, Frame caller, String hint) {
        Ast.FunDecl d = u.decl();
        List<Signature.Param> ps = new ArrayList<>();
        for (Ast.ParamDecl p : d.params())
            ps.add(new Signature.Param(p.name(), p.defaultValue() == null ? null : new DefaultV(p.defaultValue()), false));
        Signature.Bound bound = new Signature(d.name(), ps).bind(args, span);
        Scope local = u.scope().child();
        Frame frame = new Frame(callPath(caller, hint, d.name()), "function");
        // Non-tensor parameters first: tensor types may mention them (f32[n, units]).
        List<Ast.ParamDecl> ordered = new ArrayList<>();
        for (Ast.ParamDecl p : d.params()) if (!(p.type() instanceof Ast.TensorTypeRef)) ordered.add(p);
        for (Ast.ParamDecl p : d.params()) if (p.type() instanceof Ast.TensorTypeRef) ordered.add(p);
        for (Ast.ParamDecl p : ordered) {
            Value v = bound.get(p.name());
            SourceSpan at = bound.span(p.name());
            if (v instanceof DefaultV dv) { v = eval(dv.expr(), local, frame); at = dv.expr().span(); }
            if (p.type() != null) v = Types.conform(this, v, p.type(), local, "argument '" + p.name() + "' of " + d.name(), at, true);
            local.define(p.name(), v);
            declared(p.span(), p.name(), v);
        }
        execBlock(d.body().stmts(), local, frame);
        if (frame.returned == null)
            throw new DlmException(span, "function " + d.name() + " returns no value (it has no return statement)");
        Value r = frame.returned;
        if (d.returnType() != null) r = Types.conform(this, r, d.returnType(), local, "the result of " + d.name(), span, false);
        return r;
    }

    private Value callLambda(LambdaFun l, List<Signature.ArgValue> args, SourceSpan span, Frame caller) {
        Ast.Lambda lam = l.lambda();
        List<Signature.Param> ps = new ArrayList<>();
        if (lam.params().isEmpty()) ps.add(new Signature.Param("it", new UnitV(), false));
        for (Ast.ParamDecl p : lam.params()) ps.add(new Signature.Param(p.name(), p.defaultValue() == null ? null : new DefaultV(p.defaultValue()), false));
        Signature.Bound bound = new Signature("lambda", ps).bind(args, span);
        Scope local = l.scope().child();
        Frame frame = new Frame(caller.path, "lambda");
        for (Signature.Param p : ps) {
            Value v = bound.get(p.name());
            if (v instanceof DefaultV dv) v = eval(dv.expr(), local, frame);
            local.define(p.name(), v);
        }
        for (Ast.ParamDecl p : lam.params()) declared(p.span(), p.name(), local.lookup(p.name()));
        List<Ast.Stmt> body = lam.body();
        if (body.isEmpty()) throw new DlmException(lam.span(), "a lambda needs a body");
        execBlock(body.subList(0, body.size() - 1), local, frame);
        Ast.Stmt last = body.get(body.size() - 1);
        if (last instanceof Ast.ExprStmt es) return eval(es.expr(), local, frame);
        if (last instanceof Ast.ReturnStmt rs) return eval(rs.value(), local, frame);
        exec(last, local, frame);
        return new UnitV();
    }

    /** The frame path of a call: the receiving val's name, or the function's name numbered. */
    private String callPath(Frame caller, String hint, String fname) {
        String base = caller.qualify(hint != null ? hint : fname);
        String p = base;
        for (int i = 1; usedPaths.contains(p); i++) p = base + "_" + i;
        usedPaths.add(p);
        return p;
    }

    // ---- graph helpers -------------------------------------------------------------------------

    /** Adds an op node, checked by the op's rule; a violated rule is an error at {@code span}. */
    public Node op(String name, List<Node> inputs, Attrs attrs, SourceSpan span) {
        return graph.add(name, inputs, attrs, userSpan(span));
    }

    public Node op(String name, SourceSpan span, Node... inputs) { return op(name, List.of(inputs), Attrs.EMPTY, span); }

    public Node constant(Tensor t, SourceSpan span) {
        return graph.addTyped(OpRegistry.get("constant"), List.of(), Attrs.of("value", t), new TensorType(t.dtype(), Shape.of(t.shape())), userSpan(span), null);
    }

    /**
     * The graph's run-time leaf {@code name} (created on first use, one per graph): a scalar input
     * every step is fed by the trainer rather than by the data, marked with attr {@code runtime} so
     * that {@link Graph#inputs} (the model's own inputs) leaves it out. Without a feed (a plain
     * {@code dlmc run}) it takes {@code dflt}. See {@link RuntimeInputs}.
     */
    public Node runtimeInput(String name, Tensor dflt, SourceSpan span) {
        for (Node n : graph.nodes()) if (n.is("input") && name.equals(n.name())) return n;
        TensorType t = new TensorType(dflt.dtype(), Shape.of(dflt.shape()));
        return graph.addTyped(OpRegistry.get("input"), List.of(), Attrs.of("default", dflt, "runtime", true), t, userSpan(span), name);
    }

    /**
     * A random stream number unique in this graph, the {@link dlm.runtime.random.Philox#stream}
     * hash of {@code base}, else of {@code base_1}, … (also skipping a name whose hash is taken,
     * so two call sites never share a stream).
     */
    public int uniqueStream(String base) {
        String p = base;
        for (int i = 1; usedStreams.contains(p) || usedStreamNumbers.contains(dlm.runtime.random.Philox.stream(p)); i++) p = base + "_" + i;
        usedStreams.add(p);
        int s = dlm.runtime.random.Philox.stream(p);
        usedStreamNumbers.add(s);
        return s;
    }

    /** Records {@code value} as what state {@code s} becomes after a train step ({@link StateBuiltins}). */
    void assign(Node s, Node value, SourceSpan span) {
        if (stateUpdates.containsKey(s.name())) throw new DlmException(span, "state " + s.name() + " is assigned twice");
        stateUpdates.put(s.name(), value);
    }

    /** The states' new values recorded by {@code assign}, by state name. */
    public Map<String, Node> stateUpdates() { return java.util.Collections.unmodifiableMap(stateUpdates); }

    /** The value as a tensor node: numbers become constants of their default dtype. */
    public Node tensor(Value v, SourceSpan span) {
        return switch (v) {
            case TensorV t -> own(t.node(), span);
            case NumberV n -> constant(Tensor.scalar(n.defaultDType(), n.value()), span);
            case BoolV b -> constant(Tensor.scalar(DType.BOOL, b.value() ? 1 : 0), span);
            case DimV d -> throw new DlmException(span, "the symbolic dimension " + d.dim() + " has no value until the program runs; it cannot be used as a tensor");
            default -> throw new DlmException(span, "expected a tensor, got " + v.describe());
        };
    }

    /**
     * {@code n}, or a copy in this graph of a constant from another. A function value may outlive
     * the graph it was made in (a learning-rate schedule is made while the train block is checked
     * and applied in the train step's graph): the constants it captured (list literals) are
     * copied into this graph. Other nodes are used as they are.
     */
    private Node own(Node n, SourceSpan span) {
        if (!n.is("constant") || n.id() < graph.nodes().size() && graph.node(n.id()) == n) return n;
        return graph.addTyped(n.op(), List.of(), n.attrs(), n.type(), n.span(), null);
    }

    /** The value as a tensor of dtype {@code like} when it is a weakly typed number, else as is. */
    public Node tensorLike(Value v, DType like, SourceSpan span) {
        if (v instanceof NumberV n) {
            if (!n.isInt() && !like.isFloating() && like != DType.BOOL)
                throw new DlmException(span, "dtype mismatch: a Float number cannot be combined with an " + like + " tensor; convert the tensor with .toF32()");
            if (like == DType.BOOL)
                throw new DlmException(span, "a number cannot be combined with a bool tensor");
            return constant(Tensor.scalar(like, n.value()), span);
        }
        return tensor(v, span);
    }

    /** A compile-time integer argument (an Int, or a known dim). */
    public static long intValue(Value v, SourceSpan span, String what) {
        if (v instanceof NumberV n && n.isInt()) return n.asLong();
        if (v instanceof DimV d && d.dim().isKnown()) return d.dim().coefficient();
        throw new DlmException(span, what + " must be an Int known at compile time, got " + v.describe());
    }

    /** A dim argument: an Int or a symbolic dim. */
    public static Dim dimValue(Value v, SourceSpan span, String what) {
        if (v instanceof DimV d) return d.dim();
        if (v instanceof NumberV n && n.isInt()) {
            if (n.asLong() < 0) throw new DlmException(span, what + " must not be negative, got " + n.asLong());
            return Dim.of(n.asLong());
        }
        throw new DlmException(span, what + " must be an Int or a dimension, got " + v.describe());
    }

    void print(PrintAction p) {
        if (prints == null) throw new DlmException(p.span(), "println is only allowed in top-level statements, not inside a model or fun");
        prints.add(p);
    }
}
