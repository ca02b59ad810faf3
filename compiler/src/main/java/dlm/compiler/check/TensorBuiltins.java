package dlm.compiler.check;

import static dlm.compiler.check.Builtins.define;
import static dlm.compiler.check.Builtins.integer;
import static dlm.compiler.check.Builtins.opt;
import static dlm.compiler.check.Builtins.req;
import static dlm.compiler.check.Builtins.rest;

import dlm.compiler.check.Builtins.Call;
import dlm.compiler.check.Value.*;
import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceSpan;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.MemoryEstimate;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.compiler.ops.ElementwiseOp;
import dlm.compiler.ops.Op;
import dlm.compiler.ops.OpRegistry;
import dlm.compiler.ops.Spelling;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Prelude functions over tensors, each a thin front for a registry op: it turns DLM arguments
 * (negative axes, varargs dims, {@code -1} in reshape) into the op's normalized attributes.
 * Math functions applied to compile-time numbers are computed at compile time, by the op's own
 * function ({@link ElementwiseOp#onNumbers}).
 */
final class TensorBuiltins {
    private TensorBuiltins() {}

    static void register() {
        // Every element-wise op spelled as a function, from the registry: abs(x), sigmoid(x),
        // maximum(a, b), … (where, with three operands, is defined below). On compile-time numbers
        // they are computed by the op's own function.
        for (Op op : OpRegistry.all()) {
            if (!(op instanceof ElementwiseOp e) || e.spelling().form() != Spelling.Form.CALL) continue;
            String name = e.spelling().text();
            switch (e.arity()) {
                case 1 -> unary(name, e);
                case 2 -> define(name, c -> binaryOp(c, e.name(), "a", "b"), req("a"), req("b"));
                default -> { }
            }
        }
        define("matmul", c -> binaryOp(c, "matmul"), req("a"), req("b"));
        define("dot", c -> binaryOp(c, "matmul"), req("a"), req("b"));
        define("where", c -> {
            Node cond = c.tensor("condition");
            Value a = c.arg("a"), b = c.arg("b");
            Node na = a instanceof TensorV t ? t.node() : b instanceof TensorV u ? c.el().tensorLike(a, u.node().type().dtype(), c.spanOf("a")) : c.tensor("a");
            Node nb = c.el().tensorLike(b, na.type().dtype(), c.spanOf("b"));
            return new TensorV(c.el().op("where", List.of(cond, na, nb), Attrs.EMPTY, c.span()));
        }, req("condition"), req("a"), req("b"));

        // clip(x, lo, hi): NumPy's values (hi wherever max(x, lo) > hi, so hi when lo > hi; NaN stays
        // NaN). The gradient, as in PyTorch's clamp and TensorFlow/Keras's clip_by_value, passes
        // all of the cotangent to x where lo <= x <= hi — the bounds included — and none outside;
        // lo (hi) gets it where it was chosen. Written with where rather than minimum(maximum(…)),
        // whose tie rule would pass half at exactly a bound.
        define("clip", c -> {
            Node x = c.tensor("x");
            DType d = x.type().dtype();
            Node lo = c.el().tensorLike(c.arg("lo"), d, c.spanOf("lo")), hi = c.el().tensorLike(c.arg("hi"), d, c.spanOf("hi"));
            return new TensorV(clip(c, x, lo, hi));
        }, req("x"), req("lo"), req("hi"));

        // max/min: with a second positional operand they are element-wise, otherwise reductions.
        for (String r : List.of("max", "min")) {
            String elementwise = r.equals("max") ? "maximum" : "minimum";
            define(r, c -> c.given("other") ? binaryOp(c, elementwise, "x", "other") : reduce(c, r),
                    req("x"), opt("other"), opt("axis"), opt("keepdims", new BoolV(false)));
        }
        for (String r : List.of("sum", "mean")) define(r, c -> reduce(c, r), req("x"), opt("axis"), opt("keepdims", new BoolV(false)));
        for (String r : List.of("argmax", "argmin")) define(r, c -> {
            Node x = c.tensor("x");
            Attrs a = Attrs.of("keepdims", c.boolArg("keepdims"));
            if (c.given("axis")) a = a.with("axis", axis(c, "axis", x.type().rank(), false));
            return new TensorV(c.op(r, a, x));
        }, req("x"), opt("axis"), opt("keepdims", new BoolV(false)));

        for (DType d : DType.values()) {
            String name = "to" + Character.toUpperCase(d.dlmName().charAt(0)) + d.dlmName().substring(1);
            define(name, c -> cast(c, c.tensor("x"), d), req("x"));
        }
        define("cast", c -> cast(c, c.tensor("x"), c.dtypeArg("dtype")), req("x"), req("dtype"));

        define("reshape", TensorBuiltins::reshape, req("x"), rest("shape"));
        define("transpose", c -> {
            Node x = c.tensor("x");
            int r = x.type().rank();
            int[] perm = new int[r];
            if (c.args().varargs().isEmpty()) for (int i = 0; i < r; i++) perm[i] = r - 1 - i;
            else perm = axesList(c, r);
            return new TensorV(c.op("transpose", Attrs.of("perm", perm), x));
        }, req("x"), rest("axes"));
        define("permute", c -> {
            Node x = c.tensor("x");
            return new TensorV(c.op("transpose", Attrs.of("perm", axesList(c, x.type().rank())), x));
        }, req("x"), rest("axes"));
        define("expandDims", c -> {
            Node x = c.tensor("x");
            return new TensorV(c.op("expandDims", Attrs.of("axis", axis(c, "axis", x.type().rank() + 1, false)), x));
        }, req("x"), req("axis"));
        define("squeeze", c -> {
            Node x = c.tensor("x");
            int[] axes;
            if (c.given("axis")) axes = axes(c, "axis", x.type().rank());
            else {
                List<Integer> ones = new ArrayList<>();
                for (int a = 0; a < x.type().rank(); a++) if (x.type().shape().dim(a).isOne()) ones.add(a);
                axes = Indexing.ints(ones);
            }
            return new TensorV(c.op("squeeze", Attrs.of("axes", axes), x));
        }, req("x"), opt("axis"));
        define("tile", c -> {
            Node x = c.tensor("x");
            List<Long> reps = longs(c, c.args().varargs(), c.args().varargSpans(), "a repetition count");
            return new TensorV(c.op("tile", Attrs.of("reps", reps.stream().mapToInt(Long::intValue).toArray()), x));
        }, req("x"), rest("reps"));
        define("broadcastTo", c -> {
            Node x = c.tensor("x");
            return new TensorV(c.op("broadcastTo", Attrs.of("shape", shapeArgs(c, false).shape()), x));
        }, req("x"), rest("shape"));
        define("concat", c -> {
            List<Node> xs = new ArrayList<>();
            for (int i = 0; i < c.args().varargs().size(); i++) xs.add(c.el().tensor(c.args().varargs().get(i), c.args().varargSpans().get(i)));
            if (xs.isEmpty()) throw new DlmException(c.span(), "concat needs at least one tensor");
            int a = (int) c.intArg("axis");
            int r = xs.get(0).type().rank();
            if (a < -r || a >= r) throw new DlmException(c.spanOf("axis"), "axis " + a + " is out of range for " + xs.get(0).type());
            return new TensorV(c.el().op("concat", xs, Attrs.of("axis", a < 0 ? a + r : a), c.span()));
        }, rest("tensors"), opt("axis", integer(0)));

        for (String s : List.of("softmax", "logSoftmax")) define(s, c -> {
            Node x = c.tensor("x");
            return new TensorV(c.op(s, Attrs.of("axis", axis(c, "axis", x.type().rank(), false)), x));
        }, req("x"), opt("axis", integer(-1)));
        define("oneHot", c -> {
            Node y = c.tensor("labels");
            long depth = c.intArg("depth");
            if (depth < 1) throw new DlmException(c.spanOf("depth"), "depth must be 1 or more, got " + depth);
            if (depth > Dim.MAX_ELEMENTS) throw new DlmException(c.spanOf("depth"), "depth " + depth + " is more than a tensor axis can hold (" + Dim.MAX_ELEMENTS + ")");
            return new TensorV(c.op("oneHot", Attrs.of("depth", (int) depth, "dtype", c.dtypeArg("dtype")), y));
        }, req("labels"), req("depth"), opt("dtype", new DTypeV(DType.F32)));

        // Constructors. zeros()/ones() with no shape are param initializers.
        for (String k : List.of("zeros", "ones")) define(k, c -> {
            if (c.args().varargs().isEmpty()) return new InitV(k, Map.of());
            Shape s = shapeArgs(c, false).shape();
            if (!s.isKnown()) return filled(c, s, k.equals("ones") ? 1 : 0);
            Tensor t = allocate(c, s);
            if (k.equals("ones")) for (int i = 0; i < t.size(); i++) t.setDouble(i, 1);
            return new TensorV(c.el().constant(t, c.span()));
        }, rest("shape"), opt("dtype", new DTypeV(DType.F32)));
        define("full", c -> {
            Shape s = shapeArgs(c, false).shape();
            double v = c.numberArg("value");
            if (!s.isKnown()) return filled(c, s, v);
            Tensor t = allocate(c, s);
            for (int i = 0; i < t.size(); i++) t.setDouble(i, v);
            return new TensorV(c.el().constant(t, c.span()));
        }, rest("shape"), req("value"), opt("dtype", new DTypeV(DType.F32)));
        define("arange", c -> {
            long n = c.intArg("n");
            if (n < 0) throw new DlmException(c.spanOf("n"), "arange needs a count of 0 or more, got " + n);
            String problem = Shape.of(Dim.of(n)).sizeProblem();
            if (problem != null) throw new DlmException(c.spanOf("n"), "arange(" + n + ") cannot be made: " + problem);
            Tensor t = allocate(c, Shape.of(Dim.of(n)));
            for (int i = 0; i < n; i++) t.setDouble(i, i);
            return new TensorV(c.el().constant(t, c.span()));
        }, req("n"), opt("dtype", new DTypeV(DType.I32)));
        define("random", c -> {
            Shape s = shapeArgs(c, false).shape();
            if (!s.isKnown()) throw new DlmException(c.span(), "random() needs sizes known at compile time, got " + s);
            Tensor t = allocate(c, s);
            dlm.runtime.random.Rng rng = new dlm.runtime.random.Rng(c.intArg("seed"));
            for (int i = 0; i < t.size(); i++) t.setDouble(i, rng.nextDouble());
            return new TensorV(c.el().constant(t, c.span()));
        }, rest("shape"), opt("seed", integer(0)), opt("dtype", new DTypeV(DType.F32)));
        // grad(y, x1, x2, …): symbolic gradients are ordinary graph values (so they can be
        // printed, evaluated and differentiated again).
        define("grad", c -> {
            Node y = c.tensor("y");
            List<Node> wrt = new ArrayList<>();
            for (int i = 0; i < c.args().varargs().size(); i++) wrt.add(c.el().tensor(c.args().varargs().get(i), c.args().varargSpans().get(i)));
            if (wrt.isEmpty()) throw new DlmException(c.span(), "grad needs the values to differentiate with respect to: grad(loss, w, b)");
            List<Node> gs = dlm.compiler.autodiff.Autodiff.grad(c.el().graph, y, wrt, c.span());
            if (gs.size() == 1) return new TensorV(gs.get(0));
            List<Value> out = new ArrayList<>();
            for (Node g : gs) out.add(new TensorV(g));
            return new ListV(out);
        }, req("y"), rest("wrt"));

        // primitive("op", inputs…, attr = value…): any registry op, by name. The DLM source printer
        // writes ops without a surface syntax this way, so every graph can be written back as DLM.
        define("primitive", c -> {
            if (!(c.arg("op") instanceof StringV name))
                throw new DlmException(c.spanOf("op"), "primitive needs an op name as a string, e.g. primitive(\"relu\", x)");
            if (!OpRegistry.has(name.value()) || List.of("input", "param", "constant").contains(name.value()))
                throw new DlmException(c.spanOf("op"), "unknown op '" + name.value() + "'");
            List<Node> ins = new ArrayList<>();
            for (int i = 0; i < c.args().varargs().size(); i++) ins.add(c.el().tensor(c.args().varargs().get(i), c.args().varargSpans().get(i)));
            Attrs attrs = Attrs.EMPTY;
            for (var e : c.args().kwargs().entrySet()) attrs = attrs.with(e.getKey(), AttrCodec.decode(e.getKey(), e.getValue(), c.span()));
            return new TensorV(c.el().op(name.value(), ins, attrs, c.span()));
        }, req("op"), rest("inputs"), new dlm.compiler.check.Signature.Param(dlm.compiler.check.Signature.Param.KWARGS, Builtins.ABSENT, false));

        // log(p) for predicted probabilities, the way Keras computes crossentropy: when p is the
        // output of a softmax (sigmoid), the stable log-softmax (log-sigmoid) of its logits; when p
        // is 1 − sigmoid(z) (binaryCrossentropy's second term), log(1 − σ(z)) = logSigmoid(−z);
        // otherwise the log of p clipped to [1e-7, 1 - 1e-7].
        define("logProbabilities", c -> {
            Node p = c.tensor("p");
            if (p.is("softmax")) return new TensorV(c.op("logSoftmax", p.attrs(), p.input(0)));
            if (p.is("sigmoid")) return new TensorV(logSigmoid(c, p.input(0)));
            if (p.is("sub") && p.input(1).is("sigmoid") && isAllOnes(p.input(0)) && p.type().equals(p.input(1).type()))
                return new TensorV(logSigmoid(c, c.op("neg", Attrs.EMPTY, p.input(1).input(0))));
            DType d = p.type().dtype();
            Node lo = c.el().tensorLike(new NumberV(1e-7, false, null), d, c.span()), hi = c.el().tensorLike(new NumberV(1 - 1e-7, false, null), d, c.span());
            return new TensorV(c.op("log", Attrs.EMPTY, clip(c, p, lo, hi)));
        }, req("p"));

        // sequential(x) { dense(512, ::relu); dense(10, ::softmax) }: each call in the block gets
        // the previous layer's output as its first argument (a Kotlin-style builder).
        define("sequential", c -> {
            if (!(c.arg("layers") instanceof LambdaFun lf) || !lf.lambda().params().isEmpty())
                throw new DlmException(c.spanOf("layers"), "sequential takes a block of layer calls: sequential(x) { dense(512, ::relu); dense(10, ::softmax) }");
            Value cur = c.arg("x");
            for (dlm.compiler.ast.Ast.Stmt st : lf.lambda().body()) {
                if (!(st instanceof dlm.compiler.ast.Ast.ExprStmt es) || !(es.expr() instanceof dlm.compiler.ast.Ast.Call call))
                    throw new DlmException(st.span(), "a sequential block holds layer calls such as dense(512, ::relu)");
                cur = c.el().callWithReceiver(cur, call, lf.scope(), c.frame());
            }
            return cur;
        }, req("x"), req("layers"));

        // Compile-time choice (the language has no if-expression yet): select(c, a, b) is a when c.
        define("select", c -> {
            if (!(c.arg("condition") instanceof BoolV b))
                throw new DlmException(c.spanOf("condition"), "select needs a Bool known at compile time; for a bool tensor use where(condition, a, b)");
            return b.value() ? c.arg("a") : c.arg("b");
        }, req("condition"), req("a"), req("b"));
        for (String k : List.of("zerosLike", "onesLike")) define(k, c -> {
            Node x = c.tensor("x");
            return new TensorV(c.op("broadcastTo", Attrs.of("shape", x.type().shape()),
                    c.el().constant(Tensor.scalar(x.type().dtype(), k.equals("onesLike") ? 1 : 0), c.span())));
        }, req("x"));
        define("fullLike", c -> {
            Node x = c.tensor("x");
            return new TensorV(c.op("broadcastTo", Attrs.of("shape", x.type().shape()), c.el().tensorLike(c.arg("value"), x.type().dtype(), c.spanOf("value"))));
        }, req("x"), req("value"));
        define("tensor", c -> {
            // A number takes the precision of the dtype asked for: tensor(0.1, dtype = f64) is the
            // f64 nearest 0.1, not the f32 one widened; an i64 is not wrapped through i32's range.
            if (c.given("dtype") && c.arg("value") instanceof NumberV n && (c.dtypeArg("dtype").isFloating() || (c.dtypeArg("dtype") == DType.I64 && n.isInt())))
                return new TensorV(c.el().constant(Tensor.scalar(c.dtypeArg("dtype"), n.value()), c.span()));
            Node x = c.tensor("value");
            return c.given("dtype") ? cast(c, x, c.dtypeArg("dtype")) : new TensorV(x);
        }, req("value"), opt("dtype"));

        // ---- ops added for issue 11 ----
        // prod: reduced axes that are not adjacent are moved next to each other first (the kernel
        // reads one block of axes); the product runs in row-major order of the moved tensor.
        define("prod", c -> {
            Node x = c.tensor("x");
            int r = x.type().rank();
            if (!c.given("axis")) return new TensorV(c.op("prod", Attrs.of("keepdims", c.boolArg("keepdims")), x));
            int[] axes = axes(c, "axis", r);
            boolean adjacent = axes.length == 0 || axes[axes.length - 1] - axes[0] == axes.length - 1;
            if (adjacent) return new TensorV(c.op("prod", Attrs.of("axes", axes, "keepdims", c.boolArg("keepdims")), x));
            int[] perm = new int[r], moved = new int[axes.length];
            int k = 0;
            for (int a = 0; a < r; a++) if (java.util.Arrays.binarySearch(axes, a) < 0) perm[k++] = a;
            for (int i = 0; i < axes.length; i++) { moved[i] = k + i; perm[k + i] = axes[i]; }
            Node p = c.op("prod", Attrs.of("axes", moved), c.op("transpose", Attrs.of("perm", perm), x));
            if (!c.boolArg("keepdims")) return new TensorV(p);
            boolean[] mask = new boolean[r];
            for (int a : axes) mask[a] = true;
            return new TensorV(c.op("reshape", Attrs.of("shape", dlm.compiler.autodiff.GradBuilder.keptShape(x.type().shape(), mask)), p));
        }, req("x"), opt("axis"), opt("keepdims", new BoolV(false)));
        // cumsum(x, axis): NumPy's; without an axis, over the flattened tensor.
        define("cumsum", c -> {
            Node x = c.tensor("x");
            if (!c.given("axis")) return new TensorV(c.op("cumsum", Attrs.of("axis", 0), flattened(c, x)));
            return new TensorV(c.op("cumsum", Attrs.of("axis", axis(c, "axis", x.type().rank(), false)), x));
        }, req("x"), opt("axis"));
        // argsort / sort along an axis (default the last): stable, NaN last ascending (NumPy), first descending.
        define("argsort", c -> new TensorV(argsort(c, c.tensor("x"), "argsort")), req("x"), opt("axis", integer(-1)), opt("descending", new BoolV(false)));
        define("sort", c -> {
            Node x = c.tensor("x");
            Node order = argsort(c, x, "sort");
            return new TensorV(c.op("takeAlongAxis", Attrs.of("axis", axis(c, "axis", x.type().rank(), false)), x, order));
        }, req("x"), opt("axis", integer(-1)), opt("descending", new BoolV(false)));
        // topK(x, k): [values, indices] of the k largest along the last axis, largest first, ties by
        // lower index (tf.math.top_k, torch.topk). The language has no tuples: the pair is a list,
        // val (top) = topK(x, 3); top[0] are the values, top[1] the i32 indices.
        define("topK", c -> {
            Node x = c.tensor("x");
            int r = x.type().rank();
            if (r == 0) throw new DlmException(c.spanOf("x"), "topK needs a tensor of rank 1 or more, got " + x.type());
            Dim last = x.type().shape().dim(r - 1);
            if (!last.isKnown()) throw new DlmException(c.spanOf("x"), "topK needs the last axis of " + x.type() + " known at compile time");
            long k = c.intArg("k");
            if (k < 0 || k > last.size())
                throw new DlmException(c.spanOf("k"), "k = " + k + " is out of range for the last axis of " + x.type() + " (0.." + last.size() + ")");
            Node order = c.op("argsort", Attrs.of("axis", r - 1, "descending", true), x);
            Node idx = c.op("slice", Attrs.of("axes", new int[] {r - 1}, "starts", new int[] {0}, "stops", new int[] {(int) k}, "steps", new int[] {1}), order);
            Node values = c.op("takeAlongAxis", Attrs.of("axis", r - 1), x, idx);
            return new ListV(List.of(new TensorV(values), new TensorV(idx)));
        }, req("x"), req("k"));
        // take(x, indices, axis): NumPy's; without an axis, from the flattened tensor.
        define("take", c -> {
            Node x = c.tensor("x");
            Node idx = c.tensor("indices");
            if (!c.given("axis")) return new TensorV(Gathering.take(c.el(), flattened(c, x), idx, 0, c.span(), c.spanOf("indices")));
            if (x.type().rank() == 0) throw new DlmException(c.spanOf("x"), "take along an axis needs a tensor of rank 1 or more, got " + x.type());
            return new TensorV(Gathering.take(c.el(), x, idx, axis(c, "axis", x.type().rank(), false), c.span(), c.spanOf("indices")));
        }, req("x"), req("indices"), opt("axis"));
        // stack(a, b, …, axis = 0) or stack(list, axis): NumPy's stack, tensors of one shape joined
        // along a new axis (expandDims + concat).
        define("stack", c -> {
            List<Value> vs = c.args().varargs();
            List<SourceSpan> spans = c.args().varargSpans();
            if (vs.size() == 1 && vs.get(0) instanceof ListV l) {
                vs = l.items();
                spans = java.util.Collections.nCopies(vs.size(), spans.get(0));
            }
            if (vs.isEmpty()) throw new DlmException(c.span(), "stack needs at least one tensor");
            List<Node> xs = new ArrayList<>();
            for (int i = 0; i < vs.size(); i++) {
                Node x = c.el().tensor(vs.get(i), spans.get(i));
                if (!xs.isEmpty() && !x.type().shape().equals(xs.get(0).type().shape()))
                    throw new DlmException(spans.get(i), "stack needs tensors of one shape: " + xs.get(0).type() + " and " + x.type());
                xs.add(x);
            }
            int a = axis(c, "axis", xs.get(0).type().rank() + 1, false);
            List<Node> expanded = new ArrayList<>();
            for (Node x : xs) expanded.add(c.op("expandDims", Attrs.of("axis", a), x));
            return new TensorV(c.el().op("concat", expanded, Attrs.of("axis", a), c.span()));
        }, rest("tensors"), opt("axis", integer(0)));
        define("pad", Padding::pad, req("x"), req("widths"), opt("mode", new StringV("constant")), opt("value"));
        // require(condition, message): a compile-time check for library functions; the error is at
        // the user's call of the function that failed it.
        define("require", c -> {
            if (!(c.arg("condition") instanceof BoolV b))
                throw new DlmException(c.spanOf("condition"), "require needs a Bool known at compile time, got " + c.arg("condition").describe());
            if (!(c.arg("message") instanceof StringV m)) throw new DlmException(c.spanOf("message"), "require needs a message string");
            if (!b.value()) throw new DlmException(c.el().userSpan(c.span()), m.value());
            return new UnitV();
        }, req("condition"), req("message"));
        ConvBuiltins.register();
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** x as a vector of all its elements in row-major order (NumPy's axis=None). */
    private static Node flattened(Call c, Node x) {
        return x.type().rank() == 1 ? x : c.op("reshape", Attrs.of("shape", Shape.of(x.type().shape().numel())), x);
    }

    private static Node argsort(Call c, Node x, String what) {
        if (x.type().rank() == 0) throw new DlmException(c.spanOf("x"), what + " needs a tensor of rank 1 or more, got " + x.type());
        return c.op("argsort", Attrs.of("axis", axis(c, "axis", x.type().rank(), false), "descending", c.boolArg("descending")), x);
    }

    /** log σ(z) = −softplus(−z) = −(max(−z, 0) + log(1 + exp(−|z|))), finite for every finite z. */
    private static Node logSigmoid(Call c, Node z) {
        Node zero = c.el().tensorLike(new NumberV(0, true, null), z.type().dtype(), c.span());
        Node one = c.el().tensorLike(new NumberV(1, true, null), z.type().dtype(), c.span());
        Node negZ = c.op("neg", Attrs.EMPTY, z);
        Node softplus = c.op("add", Attrs.EMPTY, c.op("maximum", Attrs.EMPTY, negZ, zero),
                c.op("log", Attrs.EMPTY, c.op("add", Attrs.EMPTY, one, c.op("exp", Attrs.EMPTY, c.op("neg", Attrs.EMPTY, c.op("abs", Attrs.EMPTY, z))))));
        return c.op("neg", Attrs.EMPTY, softplus);
    }

    /** where(max(x, lo) > hi, hi, where(x < lo, lo, x)): see clip above. */
    private static Node clip(Call c, Node x, Node lo, Node hi) {
        Node inner = c.op("where", Attrs.EMPTY, c.op("less", Attrs.EMPTY, x, lo), lo, x);
        return c.op("where", Attrs.EMPTY, c.op("greater", Attrs.EMPTY, c.op("maximum", Attrs.EMPTY, x, lo), hi), hi, inner);
    }

    /** Whether n is a constant (possibly broadcast) whose elements are all exactly 1. */
    private static boolean isAllOnes(Node n) {
        while (n.is("broadcastTo") || n.is("reshape") || n.is("expandDims")) n = n.input(0);
        if (!n.is("constant")) return false;
        Tensor t = n.attrs().getTensor("value");
        if (t.dtype() == DType.BOOL) return false;
        for (int i = 0; i < t.size(); i++) if (t.getDouble(i) != 1.0) return false;
        return true;
    }

    private static void unary(String name, ElementwiseOp op) {
        define(name, c -> {
            if (c.arg("x") instanceof NumberV n && op.appliesToNumbers()) {
                Value v = Builtins.mapNumber(n, op::onNumbers, op.keepsInts());
                if (v instanceof NumberV r) Operators.warnIfNonFinite(c.el(), name, r.value(), c.span(), n.value());
                return v;
            }
            return new TensorV(c.op(op.name(), Attrs.EMPTY, c.tensor("x")));
        }, req("x"));
    }

    private static Value binaryOp(Call c, String op) { return binaryOp(c, op, "a", "b"); }

    private static Value binaryOp(Call c, String op, String an, String bn) {
        Value a = c.arg(an), b = c.arg(bn);
        if (a instanceof NumberV x && b instanceof NumberV y && OpRegistry.get(op) instanceof ElementwiseOp e && e.appliesToNumbers()) {
            double v = e.onNumbers(x.value(), y.value());
            Operators.warnIfNonFinite(c.el(), op, v, c.span(), x.value(), y.value());
            return new NumberV(v, e.keepsInts() && x.isInt() && y.isInt(), null);
        }
        Node na = a instanceof TensorV t ? t.node() : b instanceof TensorV u ? c.el().tensorLike(a, u.node().type().dtype(), c.spanOf(an)) : c.tensor(an);
        Node nb = c.el().tensorLike(b, na.type().dtype(), c.spanOf(bn));
        return new TensorV(c.el().op(op, List.of(na, nb), Attrs.EMPTY, c.span()));
    }

    private static Value reduce(Call c, String op) {
        Node x = c.tensor("x");
        Attrs a = Attrs.of("keepdims", c.boolArg("keepdims"));
        if (c.given("axis")) a = a.with("axes", axes(c, "axis", x.type().rank()));
        return new TensorV(c.op(op, a, x));
    }

    private static Value cast(Call c, Node x, DType to) {
        Node lit = c.el().literalAs(x, to, c.span());
        if (lit != null) return new TensorV(lit);
        if (x.type().dtype() == to) return new TensorV(x);
        return new TensorV(c.op("cast", Attrs.of("dtype", to), x));
    }

    /** One axis argument, negative counted from the end. */
    static int axis(Call c, String name, int rank, boolean unused) {
        long a = c.intArg(name);
        if (a < -rank || a >= rank)
            throw new DlmException(c.spanOf(name), "axis " + a + " is out of range for a tensor of rank " + rank);
        return (int) (a < 0 ? a + rank : a);
    }

    /** An axis or a list of axes, normalized, sorted and distinct. */
    static int[] axes(Call c, String name, int rank) {
        Value v = c.arg(name);
        List<Value> items = v instanceof ListV l ? l.items() : v instanceof TensorV t && t.node().is("constant") ? constInts(t.node()) : List.of(v);
        TreeSet<Integer> out = new TreeSet<>();
        for (Value it : items) {
            long a = Elaborator.intValue(it, c.spanOf(name), "an axis");
            if (a < -rank || a >= rank) throw new DlmException(c.spanOf(name), "axis " + a + " is out of range for a tensor of rank " + rank);
            if (!out.add((int) (a < 0 ? a + rank : a))) throw new DlmException(c.spanOf(name), "axis " + a + " is repeated");
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    static List<Value> constInts(Node n) {
        Tensor t = n.attrs().getTensor("value");
        List<Value> l = new ArrayList<>();
        if (t.dtype().isInteger()) for (int i = 0; i < t.size(); i++) l.add(integer(t.getLong(i)));
        return l;
    }

    /** A permutation given as varargs (or one list). */
    private static int[] axesList(Call c, int rank) {
        List<Value> vs = flatten(c.args().varargs());
        int[] perm = new int[vs.size()];
        for (int i = 0; i < perm.length; i++) {
            long a = Elaborator.intValue(vs.get(i), c.span(), "an axis");
            perm[i] = (int) (a < 0 ? a + rank : a);
        }
        return perm;
    }

    private static List<Value> flatten(List<Value> vs) {
        if (vs.size() == 1 && vs.get(0) instanceof ListV l) return l.items();
        if (vs.size() == 1 && vs.get(0) instanceof ShapeV s) {
            List<Value> out = new ArrayList<>();
            for (Dim d : s.shape().dims()) out.add(d.isKnown() ? integer(d.coefficient()) : new DimV(d));
            return out;
        }
        if (vs.size() == 1 && vs.get(0) instanceof TensorV t && t.node().is("constant") && t.node().type().dtype().isInteger()
                && t.node().type().rank() == 1) return constInts(t.node());
        return vs;
    }

    private static List<Long> longs(Call c, List<Value> vs, List<SourceSpan> spans, String what) {
        List<Value> flat = flatten(vs);
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < flat.size(); i++) out.add(Elaborator.intValue(flat.get(i), spans.isEmpty() ? c.span() : spans.get(Math.min(i, spans.size() - 1)), what));
        return out;
    }

    /** A zero tensor of the call's dtype, refused at the call when the heap has no room for it. */
    private static Tensor allocate(Call c, Shape s) {
        DType dtype = c.dtypeArg("dtype");
        MemoryEstimate.requireTensor("constant", new TensorType(dtype, s), c.span());
        return Tensor.zeros(dtype, s.sizes());
    }

    /**
     * A tensor of a symbolic shape ({@code zeros(batch, 10)}) filled with {@code v}: a scalar of
     * the call's dtype broadcast to the shape, sized when the step runs (and fused into its users).
     */
    private static Value filled(Call c, Shape s, double v) {
        Tensor one = Tensor.scalar(c.dtypeArg("dtype"), v);
        return new TensorV(c.op("broadcastTo", Attrs.of("shape", s), c.el().constant(one, c.span())));
    }

    /** Shape varargs: ints and dims (or one list / shape); with allowInfer, one -1. */
    record ShapeArgs(Shape shape, int inferAxis) {}

    static ShapeArgs shapeArgs(Call c, boolean allowInfer) {
        List<Value> vs = flatten(c.args().varargs());
        List<Dim> dims = new ArrayList<>();
        int infer = -1;
        for (int i = 0; i < vs.size(); i++) {
            Value v = vs.get(i);
            SourceSpan at = c.args().varargSpans().isEmpty() ? c.span() : c.args().varargSpans().get(Math.min(i, c.args().varargSpans().size() - 1));
            if (allowInfer && v instanceof NumberV n && n.isInt() && n.asLong() == -1) {
                if (infer >= 0) throw new DlmException(at, "only one dimension can be -1");
                infer = i;
                dims.add(Dim.of(1));
                continue;
            }
            dims.add(Elaborator.dimValue(v, at, "a dimension"));
        }
        Shape shape = new Shape(dims);
        // Before any tensor of this shape is allocated (zeros, full, random make one right away).
        String problem = shape.sizeProblem();
        if (problem != null) throw new DlmException(c.span(), "a tensor of shape " + shape + " cannot exist: " + problem);
        return new ShapeArgs(shape, infer);
    }

    private static Value reshape(Call c) {
        Node x = c.tensor("x");
        ShapeArgs s = shapeArgs(c, true);
        Attrs a = Attrs.of("shape", s.shape());
        if (s.inferAxis() >= 0) a = a.with("inferAxis", s.inferAxis());
        return new TensorV(c.op("reshape", a, x));
    }
}
