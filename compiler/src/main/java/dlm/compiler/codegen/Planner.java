package dlm.compiler.codegen;

import dlm.compiler.codegen.Loop.Access;
import dlm.compiler.codegen.Loop.IotaVal;
import dlm.compiler.codegen.Loop.LitVal;
import dlm.compiler.codegen.Loop.OpVal;
import dlm.compiler.codegen.Loop.ReadVal;
import dlm.compiler.codegen.Loop.Red;
import dlm.compiler.codegen.Loop.StoreOp;
import dlm.compiler.codegen.Loop.Val;
import dlm.compiler.diag.DlmException;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.compiler.ops.KernelCall;
import dlm.compiler.ops.KernelOp;
import dlm.compiler.ops.OpKind;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Turns a graph whose symbolic dims are bound into a schedule of {@link Unit}s over a memory
 * plan of {@link Buf}s.
 *
 * <ol>
 *   <li><b>Lowering and fusion</b>, node by node in graph (topological) order. Inputs and params
 *       are external arrays; single-element constants and {@code numel} become literals, other
 *       constants arrays. Movement ops that strides can express (reshape, expandDims, squeeze,
 *       transpose, broadcastTo, slice) become {@link View}s of their input's array: no code.
 *       An element-wise op joins the group of an element-wise producer of the same shape (merging
 *       the groups of several such producers) unless that would make the step graph cyclic or the
 *       group too large; a reduction joins the group computing its input as that group's one
 *       reduction. Matmul and the kernel ops ({@link KernelOp}: softmax, ...) are kernel calls;
 *       pad, concat and tile are generated copy loops. A value read outside its group, or viewed,
 *       is stored by its group ("materialized"); everything else stays in registers.</li>
 *   <li><b>Outputs</b>: each graph output gets an array of its own (pinned), except in-place
 *       outputs: {@code update:W} is stored straight into W's array (and {@code slot:W/m} into the
 *       slot's) by the group computing it, which then runs after every other reader of the old W
 *       (write-after-read edges); if that would make the step graph cyclic, or the update is not an
 *       element-wise value of a group that reads W only at the element it writes, a copy at the
 *       end writes it instead.</li>
 *   <li><b>Schedule</b>: a topological order of the steps, in-place updates as late as possible,
 *       otherwise in graph order.</li>
 *   <li><b>Memory plan</b>: every intermediate array is allocated once; an intermediate's
 *       array is reused by later intermediates of the same element type once its last reader
 *       has run (greedy best fit, growing an array when none is large enough).</li>
 * </ol>
 */
final class Planner {
    /** Members per group, so that one group's method stays far below the JIT's 8000-byte limit. */
    static final int MAX_GROUP = 100;
    /** Keep big stored element-wise loops parallel by giving their reductions loops of their own (property {@code dlm.codegen.splitReductions}, default true). */
    static final boolean SPLIT_REDUCTIONS = !"false".equals(System.getProperty("dlm.codegen.splitReductions"));

    /** What the planner knows about one node. */
    static final class Info {
        final Node node;
        final int[] shape;
        final DType dtype;
        Lit lit;
        Unit.Group group;
        View view;

        Info(Node node, int[] shape) {
            this.node = node;
            this.shape = shape;
            this.dtype = node.type().dtype();
        }
    }

    /** A uniform value known at compile time (floats in {@code d}, integers and bool in {@code l}). */
    record Lit(DType dtype, long l, double d) {
        static Lit of(DType dtype, double v) {
            return dtype.isFloating() ? new Lit(dtype, 0, dtype.round(v)) : new Lit(dtype, (long) dtype.round(v), 0);
        }

        static Lit of(Tensor t) {
            return t.dtype().isFloating() ? new Lit(t.dtype(), 0, t.getDouble(0)) : new Lit(t.dtype(), t.getLong(0), 0);
        }

        void store(Tensor t) {
            if (dtype.isFloating()) t.setDouble(0, d);
            else t.setLong(0, l);
        }
    }

    final Graph graph;
    private final Map<String, Dim> binding;
    final Map<Node, Info> info = new IdentityHashMap<>();
    final List<Value> values = new ArrayList<>();
    final List<Unit> units = new ArrayList<>();
    final Map<Node, Value> externals = new LinkedHashMap<>();
    final Map<String, View> outputs = new LinkedHashMap<>();
    final Map<String, int[]> outputShapes = new LinkedHashMap<>();
    private final Map<Node, View> oneHotLabels = new IdentityHashMap<>();
    /** How many times each node is read (as an input, or as a graph output). */
    private final Map<Node, Integer> uses = new IdentityHashMap<>();
    List<Unit> schedule;
    final List<Buf> bufs = new ArrayList<>();
    private int nextUnit;

    /**
     * @param inPlace output name → name of the input or param whose array that output overwrites
     */
    Planner(Graph graph, Map<String, Dim> binding, Map<String, String> inPlace) {
        this.graph = graph;
        this.binding = binding;
        for (Node n : graph.nodes()) for (Node i : n.inputs()) uses.merge(i, 1, Integer::sum);
        for (Node o : graph.outputs().values()) uses.merge(o, 2, Integer::sum); // never fused away
        for (Node n : graph.nodes()) lower(n);
        tabulateByteOperands();
        planOutputs(inPlace);
        for (Unit u : units) if (u instanceof Unit.Group g) buildGroupLoop(g);
        schedule();
        planMemory();
    }

    // ---- phase 1: lowering and fusion ------------------------------------------------------------

    int[] shapeOf(Node n) {
        Shape s = n.type().shape().substitute(binding);
        if (!s.isKnown())
            throw new DlmException(n.span(), "cannot compile " + n.label() + ": its shape " + n.type().shape() + " is not known from the inputs' shapes");
        return s.sizes();
    }

    Info info(Node n) { return info.get(n); }

    private Value newValue(Value.Kind kind, DType dtype, int size, Node node) {
        Value v = new Value(values.size(), kind, dtype, size, node);
        values.add(v);
        return v;
    }

    private void lower(Node n) {
        Info in = new Info(n, shapeOf(n));
        info.put(n, in);
        switch (n.opName()) {
            case "input", "param" -> {
                Value v = newValue(Value.Kind.EXTERNAL, in.dtype, View.numel(in.shape), n);
                externals.put(n, v);
                in.view = View.contiguous(v, in.shape);
            }
            case "constant" -> {
                Tensor t = n.attrs().getTensor("value");
                if (t.size() == 1) in.lit = Lit.of(t);
                else {
                    Value v = newValue(Value.Kind.CONSTANT, in.dtype, t.size(), n);
                    v.constant = t;
                    in.view = View.contiguous(v, in.shape);
                }
            }
            case "numel" -> {
                int[] xs = info(n.input(0)).shape;
                long count = 1;
                if (n.attrs().has("axes")) for (int a : n.attrs().getInts("axes")) count *= xs[a];
                else for (int d : xs) count *= d;
                in.lit = Lit.of(in.dtype, count);
            }
            case "reshape", "expandDims", "squeeze" -> view(in, v -> v.reshape(in.shape));
            case "transpose" -> view(in, v -> v.transpose(perm(n)));
            case "broadcastTo" -> view(in, v -> v.broadcastTo(in.shape));
            case "slice" -> view(in, v -> v.slice(n.attrs().getInts("axes"), n.attrs().getInts("starts"), n.attrs().getInts("steps"), in.shape));
            case "matmul" -> gemm(in);
            case "pad" -> pad(in);
            case "concat" -> concat(in);
            case "tile" -> tile(in);
            default -> {
                if (n.op() instanceof KernelOp k) {
                    kernel(in, k);
                    return;
                }
                if (n.op().kind() == OpKind.REDUCTION) {
                    reduction(in);
                    return;
                }
                if (!ScalarOps.has(n.opName())) throw new DlmException(n.span(), "the code generator does not support op '" + n.opName() + "'");
                if (fuseIntoGemm(in)) return;
                elementwise(in);
            }
        }
    }

    private int[] perm(Node n) {
        if (n.attrs().has("perm")) return n.attrs().getInts("perm");
        int r = n.type().rank();
        int[] p = new int[r];
        for (int i = 0; i < r; i++) p[i] = r - 1 - i;
        return p;
    }

    private void view(Info in, java.util.function.Function<View, View> f) {
        Info x = info(in.node.input(0));
        if (x.lit != null) { // any movement of a uniform value is the same uniform value
            in.lit = x.lit;
            return;
        }
        View v = stored(x);
        View r = f.apply(v);
        if (r == null) r = f.apply(copy(v, in.node));
        in.view = r;
    }

    /** The view of x's storage, storing it first if it is only in registers (or a literal). */
    View stored(Info x) {
        if (x.view != null) return x.view;
        if (x.lit != null) {
            Value c = newValue(Value.Kind.CONSTANT, x.dtype, 1, x.node);
            Tensor t = Tensor.zeros(x.dtype);
            x.lit.store(t);
            c.constant = t;
            x.view = new View(c, 0, x.shape.clone(), new int[x.shape.length]);
            return x.view;
        }
        if (x.group == null) throw new IllegalStateException("no value for " + x.node);
        Value v = newValue(Value.Kind.TEMP, x.dtype, View.numel(x.shape), x.node);
        v.producer = x.group;
        x.view = View.contiguous(v, x.shape);
        return x.view;
    }

    /** The step whose completion makes x readable from an array (null: available from the start). */
    private Unit producerOf(Info x) {
        if (x.lit != null) return null;
        if (x.view != null) return x.view.base().producer;
        return x.group;
    }

    private Unit.Group newGroup(int[] domain) {
        Unit.Group g = new Unit.Group(nextUnit++, domain);
        units.add(g);
        return g;
    }

    /** Records that u reads x's storage (which must exist). */
    private void readBy(Unit u, View v) {
        u.reads.add(v.base());
        if (v.base().producer != null && v.base().producer != u) u.preds.add(v.base().producer);
    }

    private void elementwise(Info in) {
        Node n = in.node;
        List<Unit.Group> cands = new ArrayList<>();
        if (!n.is("oneHot"))
            for (Node i : n.inputs()) {
                Info x = info(i);
                if (x.group != null && Arrays.equals(x.shape, in.shape) && !cands.contains(x.group)) cands.add(x.group);
            }
        List<Set<Unit.Group>> tries = new ArrayList<>();
        if (cands.size() > 1) tries.add(new LinkedHashSet<>(cands));
        for (Unit.Group g : cands) tries.add(new LinkedHashSet<>(List.of(g)));
        Unit.Group chosen = null;
        for (Set<Unit.Group> m : tries) {
            if (canJoin(m, in)) {
                chosen = merge(m);
                break;
            }
        }
        if (chosen == null) chosen = newGroup(in.shape);
        chosen.members.add(n);
        chosen.nodes.add(n);
        in.group = chosen;
        for (Node i : n.inputs()) {
            Info x = info(i);
            if (x.group == chosen && Arrays.equals(x.shape, in.shape) && !n.is("oneHot")) continue;
            // oneHot reads its labels from an array (it checks their range), even a literal one.
            if (x.lit != null && !n.is("oneHot")) continue;
            View v = stored(x);
            if (n.is("oneHot")) {
                if (!v.isContiguous()) v = copy(v, n);
                oneHotLabels.put(n, v);
            }
            readBy(chosen, v);
        }
    }

    /** Whether n may join the union of the groups {@code m} without a cycle among steps. */
    private boolean canJoin(Set<Unit.Group> m, Info in) {
        int size = 1, reductions = 0;
        for (Unit.Group g : m) {
            size += g.size();
            if (g.reduction != null) reductions++;
        }
        if (size > MAX_GROUP || reductions > 1) return false;
        Set<Unit> outside = new LinkedHashSet<>();
        for (Node i : in.node.inputs()) {
            Info x = info(i);
            if (x.group != null && m.contains(x.group) && Arrays.equals(x.shape, in.shape)) continue;
            Unit p = producerOf(x);
            if (p == null) continue;
            if (m.contains(p)) return false; // reads a stored value of the group from inside it
            outside.add(p);
        }
        for (Unit.Group g : m)
            for (Unit p : g.preds) {
                if (m.contains(p)) return false; // one group reads the other's stored values
                outside.add(p);
            }
        for (Unit p : outside) if (reaches(p, m)) return false;
        return true;
    }

    /** Whether {@code from} depends (through preds, transitively) on any unit of {@code targets}. */
    private static boolean reaches(Unit from, Set<? extends Unit> targets) {
        Set<Unit> seen = new HashSet<>();
        List<Unit> stack = new ArrayList<>();
        stack.add(from);
        while (!stack.isEmpty()) {
            Unit u = stack.remove(stack.size() - 1);
            if (!seen.add(u)) continue;
            if (targets.contains(u)) return true;
            stack.addAll(u.preds);
        }
        return false;
    }

    private Unit.Group merge(Set<Unit.Group> m) {
        List<Unit.Group> gs = new ArrayList<>(m);
        Unit.Group keep = gs.get(0);
        for (int i = 1; i < gs.size(); i++) {
            Unit.Group g = gs.get(i);
            keep.members.addAll(g.members);
            keep.nodes.addAll(g.nodes);
            keep.preds.addAll(g.preds);
            keep.reads.addAll(g.reads);
            if (g.reduction != null) {
                keep.reduction = g.reduction;
                keep.reductionOut = g.reductionOut;
            }
            for (Info x : info.values()) if (x.group == g) x.group = keep;
            for (Value v : values) if (v.producer == g) v.producer = keep;
            for (Unit u : units) if (u.preds.remove(g)) u.preds.add(keep);
            units.remove(g);
        }
        keep.preds.removeAll(m);
        keep.preds.remove(keep);
        keep.members.sort(Comparator.comparingInt(Node::id));
        keep.nodes.sort(Comparator.comparingInt(Node::id));
        return keep;
    }

    private void reduction(Info in) {
        Node n = in.node;
        Info x = info(n.input(0));
        Unit.Group g;
        // A big element-wise loop whose result is stored anyway (read elsewhere too: the relu
        // gradient, read by the bias gradient's sum and by the weight gradient's product) stays
        // element-wise, so that it runs split over all cores; the reduction re-reads the stored
        // values in a loop of its own (which C2 vectorizes). Fused, the loop would be one thread's.
        boolean bigAndStored = SPLIT_REDUCTIONS && x.group != null && uses.getOrDefault(x.node, 0) > 1
                && (long) View.numel(x.shape) >= ClassGen.PARALLEL_MIN_ELEMENTS;
        if (x.group != null && x.group.reduction == null && x.group.size() < MAX_GROUP && !bigAndStored) g = x.group;
        else {
            g = newGroup(x.shape);
            if (x.lit == null) readBy(g, stored(x));
        }
        g.reduction = n;
        g.nodes.add(n);
        Value out = newValue(Value.Kind.TEMP, in.dtype, View.numel(in.shape), n);
        out.producer = g;
        g.reductionOut = out;
        in.view = View.contiguous(out, in.shape);
    }

    /** A Move step copying a view into a new contiguous array. */
    private View copy(View src, Node origin) {
        Unit.Move mv = new Unit.Move(nextUnit++, "copy");
        units.add(mv);
        mv.nodes.add(origin);
        Value out = newValue(Value.Kind.TEMP, src.base().dtype, src.numel(), origin);
        out.producer = mv;
        View dst = View.contiguous(out, src.shape());
        mv.loops.add(copyLoop(src, dst, origin));
        readBy(mv, src);
        return dst;
    }

    private static Loop copyLoop(View src, View dst, Node origin) {
        Loop l = new Loop(src.shape());
        Access r = l.access(src.base(), src.offset(), src.strides().clone());
        Val v = l.add(new ReadVal(src.base().dtype, origin, r));
        l.stores.add(new StoreOp(v, l.access(dst.base(), dst.offset(), dst.strides().clone()), origin));
        return l;
    }

    private Unit.Move move(Info in, String what) {
        Unit.Move mv = new Unit.Move(nextUnit++, what);
        units.add(mv);
        mv.nodes.add(in.node);
        Value out = newValue(Value.Kind.TEMP, in.dtype, View.numel(in.shape), in.node);
        out.producer = mv;
        in.view = View.contiguous(out, in.shape);
        return mv;
    }

    private View operand(Info x) {
        return stored(x);
    }

    private void pad(Info in) {
        Node n = in.node;
        View x = operand(info(n.input(0)));
        Unit.Move mv = move(in, "pad");
        readBy(mv, x);
        View out = in.view;
        Loop fill = new Loop(in.shape);
        Val zero = fill.add(new LitVal(in.dtype, n, 0, 0.0));
        fill.stores.add(new StoreOp(zero, fill.access(out.base(), 0, out.strides().clone()), n));
        mv.loops.add(fill);
        int[] axes = n.attrs().getInts("axes"), lows = n.attrs().getInts("lows"), interiors = n.attrs().getInts("interiors");
        int off = 0;
        int[] st = out.strides().clone();
        for (int i = 0; i < axes.length; i++) {
            if (x.shape()[axes[i]] > 0) off += lows[i] * out.strides()[axes[i]];
            st[axes[i]] = out.strides()[axes[i]] * (interiors[i] + 1);
        }
        mv.loops.add(copyLoop(x, new View(out.base(), off, x.shape(), st), n));
    }

    private void concat(Info in) {
        Node n = in.node;
        int axis = n.attrs().getInt("axis");
        List<View> xs = new ArrayList<>();
        for (Node i : n.inputs()) xs.add(operand(info(i)));
        Unit.Move mv = move(in, "concat");
        View out = in.view;
        int at = 0;
        for (View x : xs) {
            readBy(mv, x);
            mv.loops.add(copyLoop(x, new View(out.base(), at * out.strides()[axis], x.shape(), out.strides().clone()), n));
            at += x.shape()[axis];
        }
    }

    private void tile(Info in) {
        Node n = in.node;
        View x = operand(info(n.input(0)));
        int[] reps = n.attrs().getInts("reps");
        Unit.Move mv = move(in, "tile");
        readBy(mv, x);
        int rank = in.shape.length, xShift = rank - x.rank(), rShift = rank - reps.length;
        int[] split = new int[2 * rank], readStrides = new int[2 * rank];
        for (int a = 0; a < rank; a++) {
            int xn = a < xShift ? 1 : x.shape()[a - xShift];
            int r = a < rShift ? 1 : reps[a - rShift];
            split[2 * a] = r;
            split[2 * a + 1] = xn;
            readStrides[2 * a] = 0;
            readStrides[2 * a + 1] = a < xShift ? 0 : x.strides()[a - xShift];
        }
        View src = new View(x.base(), x.offset(), split, readStrides);
        mv.loops.add(copyLoop(src, new View(in.view.base(), 0, split, View.rowMajor(split)), n));
    }

    private void gemm(Info in) {
        Node n = in.node;
        DType d = in.dtype;
        if (d == DType.F16) throw new DlmException(n.span(), "the code generator does not support f16 matmul");
        View a = operand(info(n.input(0))), b = operand(info(n.input(1)));
        Unit.Gemm u = new Unit.Gemm(nextUnit++, d);
        int ra = a.rank(), rb = b.rank();
        int k = a.shape()[ra - 1];
        int m = ra >= 2 ? a.shape()[ra - 2] : 1;
        int nn = rb >= 2 ? b.shape()[rb - 1] : 1;
        if (d.isFloating()) {
            if (blasLayout(m, k, ra >= 2 ? a.strides()[ra - 2] : 0, a.strides()[ra - 1]) == null) a = copy(a, n);
            if (blasLayout(k, nn, rb >= 2 ? b.strides()[rb - 2] : b.strides()[0], rb >= 2 ? b.strides()[rb - 1] : 0) == null) b = copy(b, n);
        }
        units.add(u);
        u.nodes.add(n);
        readBy(u, a);
        readBy(u, b);
        u.a = a.base();
        u.b = b.base();
        u.aOff = a.offset();
        u.bOff = b.offset();
        u.m = m;
        u.n = nn;
        u.k = k;
        u.ars = ra >= 2 ? a.strides()[ra - 2] : 0;
        u.acs = a.strides()[ra - 1];
        u.brs = rb >= 2 ? b.strides()[rb - 2] : b.strides()[0];
        u.bcs = rb >= 2 ? b.strides()[rb - 1] : 0;
        int outRank = in.shape.length;
        int batchRank = outRank - (ra >= 2 ? 1 : 0) - (rb >= 2 ? 1 : 0);
        u.batch = Arrays.copyOf(in.shape, batchRank);
        u.aBatch = batchStrides(a, ra - 2, u.batch);
        u.bBatch = batchStrides(b, rb - 2, u.batch);
        Value out = newValue(Value.Kind.TEMP, d, View.numel(in.shape), n);
        out.producer = u;
        u.c = out;
        in.view = View.contiguous(out, in.shape);
    }

    /**
     * A dense layer's {@code relu(x·W + b)}: the bias add and the relu of a matrix product's only
     * reader become the product's epilogue (applied while the tile is in registers), so neither
     * the product nor the sum is stored and re-read. Applies to f32 2-D products whose result is
     * read once (by this op), with a bias that is a stored row vector (shape [n] or [1, n]).
     */
    private boolean fuseIntoGemm(Info in) {
        Node n = in.node;
        if (in.dtype == DType.F32 && n.is("where")) return fuseMaskIntoGemm(in);
        if (in.dtype != DType.F32 || !(n.is("add") || n.is("relu"))) return false;
        for (int side = 0; side < n.inputs().size(); side++) {
            Info x = info(n.input(side));
            if (x.view == null || !(x.view.base().producer instanceof Unit.Gemm g) || g.c != x.view.base()) continue;
            if (g.dtype != DType.F32 || g.batch.length != 0 || g.relu || uses.getOrDefault(x.node, 0) != 1) continue;
            if (!x.view.isWhole() || !Arrays.equals(x.shape, in.shape) || in.shape.length != 2) continue;
            if (n.is("relu")) {
                g.relu = true;
            } else {
                if (g.biasAdded) continue;
                Info b = info(n.input(1 - side));
                View bv = b.view;
                if (bv == null || b.lit != null) continue;
                boolean row = bv.rank() == 1 && bv.shape()[0] == g.n && bv.strides()[0] == 1
                        || bv.rank() == 2 && bv.shape()[0] == 1 && bv.shape()[1] == g.n && bv.strides()[1] == 1;
                if (!row) continue;
                g.biasAdded = true;
                g.bias = bv.base();
                g.biasOff = bv.offset();
                readBy(g, bv);
            }
            g.nodes.add(n);
            in.view = x.view;
            return true;
        }
        return false;
    }

    // ---- u8 operands: the first layer reads its pixels while packing ---------------------------------

    /**
     * A product's left operand that is an element-wise function of one u8 array (the model's
     * {@code images.toF32() / 255f}) is read by the product straight from the bytes, through a
     * 256-entry table of that function computed here with the reference evaluation (so every
     * element is exactly what the interpreter computes). When products are its only readers, the
     * float copy of the batch is never written: its loop disappears, and the product's packing,
     * which copies op(A) anyway, converts the bytes.
     */
    private void tabulateByteOperands() {
        for (Unit u : List.copyOf(units)) {
            if (!(u instanceof Unit.Gemm g0) || g0.aTable != null || g0.dtype != DType.F32) continue;
            Value x = g0.a;
            if (x.kind != Value.Kind.TEMP || !(x.producer instanceof Unit.Group grp) || x.node == null) continue;
            List<Unit.Gemm> readers = new ArrayList<>();
            boolean onlyProducts = true;
            for (Unit r : units) {
                if (!r.reads.contains(x)) continue;
                if (r instanceof Unit.Gemm g && g.a == x && g.b != x && g.bias != x && g.dtype == DType.F32) readers.add(g);
                else onlyProducts = false;
            }
            for (Node o : graph.outputs().values()) if (info(o).view != null && info(o).view.base() == x) onlyProducts = false;
            if (!onlyProducts) continue;
            View[] source = new View[1];
            Tensor table;
            Map<Node, Tensor> chain = new IdentityHashMap<>();
            try {
                table = tabulate(grp, x.node, source, chain);
            } catch (NotTabulable | RuntimeException e) {
                continue; // not a function of one byte (or an op whose evaluation needs more): the product reads floats
            }
            View src = source[0];
            if (src == null || table.dtype() != DType.F32 || table.size() != 256 || !src.isContiguous() || src.numel() != x.size) continue;
            Value t = newValue(Value.Kind.CONSTANT, DType.F32, 256, x.node);
            t.constant = table;
            for (Unit.Gemm g : readers) {
                g.a = src.base();
                g.aOff += src.offset();
                g.aTable = t;
                for (Node m : chain.keySet()) if (grp.members.contains(m)) g.tabulated.add(m);
                g.tabulated.sort(Comparator.comparingInt(Node::id));
                g.reads.remove(x);
                g.reads.add(src.base());
                g.reads.add(t);
                if (src.base().producer != null) g.preds.add(src.base().producer);
                if (g.b.producer != grp && (g.bias == null || g.bias.producer != grp)) g.preds.remove(grp);
            }
            // the group no longer stores x; drop it when it computes nothing else
            x.producer = null;
            boolean produces = grp.reduction != null;
            for (Value v : values) if (v.producer == grp) produces = true;
            if (!produces) {
                units.remove(grp);
                for (Unit r : units) r.preds.remove(grp);
            }
        }
    }

    private static final class NotTabulable extends Exception {
        NotTabulable() { super(null, null, false, false); }
    }

    /** n's value for each of the 256 codes of the group's one u8 source (whose view goes to {@code source[0]}). */
    private Tensor tabulate(Unit.Group g, Node n, View[] source, Map<Node, Tensor> memo) throws NotTabulable {
        Tensor done = memo.get(n);
        if (done != null) return done;
        Info i = info(n);
        Tensor t;
        if (i.lit != null) {
            t = Tensor.zeros(i.dtype);
            i.lit.store(t);
        } else if (i.group == g && g.members.contains(n) && !n.is("oneHot")) {
            List<Tensor> ins = new ArrayList<>();
            for (Node in : n.inputs()) ins.add(tabulate(g, in, source, memo));
            t = n.op().eval(ins, n.attrs());
        } else {
            View v = i.view;
            if (v == null || v.base().dtype != DType.U8 || !Arrays.equals(v.shape(), g.domain)) throw new NotTabulable();
            if (source[0] == null) source[0] = v;
            else if (source[0].base() != v.base() || source[0].offset() != v.offset() || !Arrays.equals(source[0].strides(), v.strides()))
                throw new NotTabulable();
            t = Tensor.zeros(DType.U8, 256);
            for (int c = 0; c < 256; c++) t.setLong(c, c);
        }
        memo.put(n, t);
        return t;
    }

    /**
     * The backward pass of relu, {@code where(y > 0, g, 0)} with g a product read only here: the
     * product's result is masked right after it is computed ({@code dlm.runtime.kernels.Masks}),
     * with vector compares, instead of by a generated loop. y must be stored, contiguous, of the
     * product's shape; the comparison must be read only by this where.
     */
    private boolean fuseMaskIntoGemm(Info in) {
        Node n = in.node;
        Node cond = n.input(0);
        Info ci = info(cond), gi = info(n.input(1)), zi = info(n.input(2));
        if (!cond.is("greater") || uses.getOrDefault(cond, 0) != 1 || ci.group == null || ci.view != null) return false;
        Unit.Group grp = ci.group;
        if (grp.members.size() != 1 || grp.reduction != null) return false;
        Info yi = info(cond.input(0)), zero = info(cond.input(1));
        if (zero.lit == null || Double.doubleToRawLongBits(zero.lit.d()) != 0 || yi.view == null || yi.dtype != DType.F32) return false;
        if (zi.lit == null || Double.doubleToRawLongBits(zi.lit.d()) != 0 || zi.dtype != DType.F32) return false;
        if (gi.view == null || !(gi.view.base().producer instanceof Unit.Gemm g) || g.c != gi.view.base()) return false;
        if (g.dtype != DType.F32 || g.batch.length != 0 || g.mask != null || uses.getOrDefault(gi.node, 0) != 1) return false;
        if (!gi.view.isWhole() || in.shape.length != 2 || !Arrays.equals(gi.shape, in.shape)) return false;
        View y = yi.view;
        if (!Arrays.equals(y.shape(), in.shape) || !y.isContiguous() || y.base() == g.c) return false;
        // the comparison's group computed nothing else: drop it
        units.remove(grp);
        for (Unit u : units) u.preds.remove(grp);
        ci.group = null;
        g.mask = y.base();
        g.maskOff = y.offset();
        readBy(g, y);
        g.nodes.add(cond);
        g.nodes.add(n);
        in.view = gi.view;
        return true;
    }

    /** An operand's strides over the output's batch axes (right-aligned; broadcast axes get 0). */
    private static int[] batchStrides(View v, int own, int[] batch) {
        int[] st = new int[batch.length];
        if (own <= 0) return st;
        int shift = batch.length - own;
        for (int i = 0; i < own; i++) st[i + shift] = v.shape()[i] == 1 ? 0 : v.strides()[i];
        return st;
    }

    /**
     * How a BLAS routine can read a rows×cols matrix whose element (r, c) is at r·rs + c·cs:
     * {@code {0, ld}} row-major, {@code {1, ld}} transposed, or null when it cannot.
     */
    static int[] blasLayout(int rows, int cols, int rs, int cs) {
        if (rows == 0 || cols == 0) return new int[] {0, Math.max(cols, 1)}; // no element is read: any layout will do
        if ((cs == 1 || cols <= 1) && (rows <= 1 || rs >= Math.max(cols, 1))) return new int[] {0, rows <= 1 ? Math.max(cols, 1) : rs};
        if ((rs == 1 || rows <= 1) && (cols <= 1 || cs >= Math.max(rows, 1))) return new int[] {1, cols <= 1 ? Math.max(rows, 1) : cs};
        return null;
    }

    /**
     * A kernel op: one call of the runtime method it names ({@link KernelOp#kernel}), on contiguous
     * copies of inputs that are not contiguous, into a fresh output array (or, for a method that
     * returns the result, its one element), with any scratch array planned as an intermediate
     * that dies with the call.
     */
    private void kernel(Info in, KernelOp op) {
        Node n = in.node;
        List<int[]> shapes = new ArrayList<>();
        for (Node i : n.inputs()) shapes.add(info(i).shape);
        KernelCall call = op.kernel(n, shapes, in.shape);
        View[] operands = new View[n.inputs().size()];
        for (KernelCall.Arg a : call.args())
            if (a instanceof KernelCall.Input(int i) && operands[i] == null) operands[i] = operand(info(n.input(i)));
        Method method = KernelMethods.resolve(call, n, operands, in.dtype);
        for (int i = 0; i < operands.length; i++) if (operands[i] != null && !operands[i].isContiguous()) operands[i] = copy(operands[i], n);
        Unit.Kernel u = new Unit.Kernel(nextUnit++, call, method);
        units.add(u);
        u.nodes.add(n);
        for (View v : operands) if (v != null) readBy(u, v);
        Value out = newValue(Value.Kind.TEMP, in.dtype, View.numel(in.shape), n);
        out.producer = u;
        u.out = out;
        in.view = View.contiguous(out, in.shape);
        for (int k = 0; k < call.args().size(); k++) {
            switch (call.args().get(k)) {
                case KernelCall.Input(int i) -> {
                    u.values[k] = operands[i].base();
                    u.offsets[k] = operands[i].offset();
                }
                case KernelCall.Output o -> u.values[k] = out;
                case KernelCall.Scratch(DType dtype, int size) -> {
                    Value s = newValue(Value.Kind.TEMP, dtype, size, n);
                    s.producer = u;
                    u.values[k] = s;
                }
                case KernelCall.IntArg c -> {}
                case KernelCall.BoolArg c -> {}
            }
        }
    }

    // ---- phase 2: outputs and in-place updates ----------------------------------------------------

    private void planOutputs(Map<String, String> inPlace) {
        Map<String, Node> externalByName = new HashMap<>();
        for (Node e : externals.keySet()) externalByName.put(e.name(), e);
        List<Object[]> direct = new ArrayList<>(); // {Group, Node value, Value external, String output}
        List<Object[]> copies = new ArrayList<>(); // {View src, Value external, Node origin}
        for (var e : graph.outputs().entrySet()) {
            String name = e.getKey();
            Node n = e.getValue();
            Info x = info(n);
            outputShapes.put(name, x.shape);
            String target = inPlace.get(name);
            if (target == null) {
                outputs.put(name, pinnedOutput(x));
                continue;
            }
            Node tn = externalByName.get(target);
            if (tn == null) throw new IllegalArgumentException("in-place output " + name + ": no input or param named " + target);
            Value ext = externals.get(tn);
            outputs.put(name, View.contiguous(ext, x.shape));
            if (x.view != null && x.view.base() == ext && x.view.isWhole()) continue; // the value already is that array
            if (x.group != null && ext.size == View.numel(x.shape) && identityReadsOnly(x.group, ext)
                    && direct.stream().noneMatch(d -> d[2] == ext)) direct.add(new Object[] {x.group, n, ext, name});
            else copies.add(new Object[] {stored(x), ext, n});
        }
        // Direct in-place stores, each after every other reader of the array it overwrites.
        for (Object[] d : direct) {
            Unit.Group g = (Unit.Group) d[0];
            Node n = (Node) d[1];
            Value ext = (Value) d[2];
            List<Unit> readers = readersOf(ext, g);
            boolean ok = true;
            for (Unit r : readers) if (reaches(r, Set.of(g))) ok = false;
            if (!ok) {
                copies.add(new Object[] {stored(info(n)), ext, n});
                continue;
            }
            g.extraStores.add(new Object[] {n, ext});
            g.inPlace.add(ext);
            g.preds.addAll(readers);
        }
        // A copy that reads an array some update overwrites (update:a = b, update:b = a) reads a
        // snapshot of it instead, taken before any update; otherwise the copies could order each other.
        Set<Value> overwritten = new HashSet<>();
        for (Object[] d : direct) overwritten.add((Value) d[2]);
        for (Object[] c : copies) overwritten.add((Value) c[1]);
        List<Object[]> copyUnits = new ArrayList<>();
        for (Object[] c : copies) {
            View src = (View) c[0];
            Value ext = (Value) c[1];
            Node origin = (Node) c[2];
            if (overwritten.contains(src.base())) src = copy(src, origin);
            Unit.Move mv = new Unit.Move(nextUnit++, "update");
            units.add(mv);
            mv.nodes.add(origin);
            mv.loops.add(copyLoop(src, View.contiguous(ext, src.shape()), origin));
            readBy(mv, src);
            mv.inPlace.add(ext);
            copyUnits.add(new Object[] {mv, ext});
        }
        for (Object[] c : copyUnits) {
            Unit mv = (Unit) c[0];
            for (Unit r : readersOf((Value) c[1], mv)) mv.preds.add(r);
        }
        // copies may read an array that a group overwrites in place: they run before it
        for (Unit u : units) {
            if (!(u instanceof Unit.Group g) || g.inPlace.isEmpty()) continue;
            for (Value ext : g.inPlace)
                for (Unit r : readersOf(ext, g)) {
                    if (g.preds.contains(r)) continue;
                    if (reaches(r, Set.of(g)))
                        throw new DlmException(r.firstNode().span(), "cannot schedule the in-place update of " + ext.node.label());
                    g.preds.add(r);
                }
        }
    }

    private List<Unit> readersOf(Value v, Unit except) {
        List<Unit> rs = new ArrayList<>();
        for (Unit u : units) if (u != except && u.reads.contains(v)) rs.add(u);
        return rs;
    }

    /** Whether group g reads {@code ext} only at the element it is computing (so it may overwrite it). */
    private boolean identityReadsOnly(Unit.Group g, Value ext) {
        int[] identity = View.rowMajor(g.domain);
        List<Node> readers = new ArrayList<>(g.members);
        if (g.reduction != null) readers.add(g.reduction);
        for (Node m : readers) {
            if (m.is("oneHot")) {
                if (oneHotLabels.get(m).base() == ext) return false;
                continue;
            }
            for (Node i : m.inputs()) {
                Info x = info(i);
                if (x.group == g && Arrays.equals(x.shape, g.domain)) continue; // in registers
                if (x.view == null || x.view.base() != ext) continue;
                View b = x.view.broadcastTo(g.domain);
                if (b.offset() != 0 || !sameStrides(b, identity)) return false;
            }
        }
        return true;
    }

    private static boolean sameStrides(View v, int[] identity) {
        for (int d = 0; d < identity.length; d++) if (v.shape()[d] != 1 && v.strides()[d] != identity[d]) return false;
        return true;
    }

    private View pinnedOutput(Info x) {
        View v = stored(x);
        Value b = v.base();
        if (b.kind == Value.Kind.TEMP && !b.pinned && v.isWhole()) {
            b.pinned = true;
            return v;
        }
        Unit.Move mv = new Unit.Move(nextUnit++, "output");
        units.add(mv);
        mv.nodes.add(x.node);
        Value out = newValue(Value.Kind.TEMP, x.dtype, View.numel(x.shape), x.node);
        out.producer = mv;
        out.pinned = true;
        View dst = View.contiguous(out, x.shape);
        mv.loops.add(copyLoop(v, dst, x.node));
        readBy(mv, v);
        return dst;
    }

    // ---- phase 3: the loop of each group -----------------------------------------------------------

    private void buildGroupLoop(Unit.Group g) {
        Loop l = new Loop(g.domain);
        g.loop = l;
        Map<Node, Val> vals = new IdentityHashMap<>();
        Map<Access, ReadVal> reads = new IdentityHashMap<>();
        for (Node m : g.members) {
            Info mi = info(m);
            Val[] ins;
            if (m.is("oneHot")) {
                View labels = oneHotLabels.get(m);
                int[] st = Arrays.copyOf(labels.strides(), g.domain.length);
                Access a = l.access(labels.base(), labels.offset(), st);
                ReadVal r = reads.computeIfAbsent(a, k -> l.add(new ReadVal(labels.base().dtype, m, k)));
                int last = g.domain.length - 1;
                Val iota = g.domain[last] == 1 ? l.add(new LitVal(DType.I32, m, 0, 0)) : l.add(new IotaVal(m, last));
                ins = new Val[] {r, iota};
                l.checks.add(new Loop.LabelCheck(labels.base(), labels.offset(), labels.numel(), m.attrs().getInt("depth"), m));
            } else {
                ins = new Val[m.inputs().size()];
                for (int k = 0; k < ins.length; k++) ins[k] = valueOf(l, g, m.input(k), m, vals, reads);
            }
            vals.put(m, l.add(new OpVal(mi.dtype, m, m.opName(), m.attrs(), ins)));
        }
        int[] identity = View.rowMajor(g.domain);
        for (Node m : g.members) {
            Info mi = info(m);
            if (mi.view != null && mi.view.base().producer == g && mi.view.base().kind == Value.Kind.TEMP)
                l.stores.add(new StoreOp(vals.get(m), l.access(mi.view.base(), 0, identity.clone()), m));
        }
        for (Object[] s : g.extraStores) {
            Node m = (Node) s[0];
            l.stores.add(new StoreOp(vals.get(m), l.access((Value) s[1], 0, identity.clone()), m));
        }
        if (g.reduction != null) {
            Node r = g.reduction;
            Val input = valueOf(l, g, r.input(0), r, vals, reads);
            boolean[] reduced = reducedAxes(r, g.domain.length);
            int[] kept = g.domain.clone();
            double count = 1;
            for (int a = 0; a < kept.length; a++) if (reduced[a]) { count *= kept[a]; kept[a] = 1; }
            int[] st = View.rowMajor(kept);
            for (int a = 0; a < st.length; a++) if (reduced[a]) st[a] = 0;
            Red red = new Red(r.opName(), input, l.access(g.reductionOut, 0, st), info(r).dtype, r);
            red.count = count;
            red.outSize = g.reductionOut.size;
            l.red = red;
        }
        l.collapse();
        if (l.red != null && l.red.needsScratch()) {
            Value s = newValue(Value.Kind.TEMP, DType.F64, l.red.outSize, null);
            s.producer = g;
            l.red.scratch = s;
        }
    }

    private Val valueOf(Loop l, Unit.Group g, Node i, Node consumer, Map<Node, Val> vals, Map<Access, ReadVal> reads) {
        Info x = info(i);
        Val fused = vals.get(i);
        if (fused != null && x.group == g) return fused;
        if (x.lit != null) return l.add(new LitVal(x.dtype, consumer, x.lit.l(), x.lit.d()));
        View b = x.view.broadcastTo(g.domain);
        Access a = l.access(b.base(), b.offset(), b.strides().clone());
        return reads.computeIfAbsent(a, k -> l.add(new ReadVal(x.dtype, consumer, k)));
    }

    static boolean[] reducedAxes(Node r, int rank) {
        boolean[] m = new boolean[rank];
        String key = r.is("argmax") || r.is("argmin") ? "axis" : "axes";
        if (!r.attrs().has(key)) Arrays.fill(m, true);
        else if (key.equals("axis")) m[r.attrs().getInt("axis")] = true;
        else for (int a : r.attrs().getInts("axes")) m[a] = true;
        return m;
    }

    // ---- phase 4: schedule ----------------------------------------------------------------------------

    private void schedule() {
        Map<Unit, Integer> indegree = new HashMap<>();
        Map<Unit, List<Unit>> succ = new HashMap<>();
        for (Unit u : units) {
            indegree.putIfAbsent(u, 0);
            for (Unit p : u.preds) {
                if (!units.contains(p)) throw new IllegalStateException("step " + u.id + " depends on a removed step " + p.id);
                indegree.merge(u, 1, Integer::sum);
                succ.computeIfAbsent(p, k -> new ArrayList<>()).add(u);
            }
        }
        PriorityQueue<Unit> ready = new PriorityQueue<>(Comparator
                .comparingInt((Unit u) -> u.inPlace.isEmpty() ? 0 : 1)
                .thenComparingInt(Unit::firstNodeId)
                .thenComparingInt(u -> u.id));
        for (Unit u : units) if (indegree.get(u) == 0) ready.add(u);
        schedule = new ArrayList<>();
        while (!ready.isEmpty()) {
            Unit u = ready.poll();
            u.order = schedule.size();
            schedule.add(u);
            for (Unit s : succ.getOrDefault(u, List.of())) if (indegree.merge(s, -1, Integer::sum) == 0) ready.add(s);
        }
        if (schedule.size() != units.size()) throw new IllegalStateException("the step graph has a cycle");
    }

    // ---- phase 5: memory plan -------------------------------------------------------------------------

    private void planMemory() {
        for (Value v : values) {
            if (v.kind == Value.Kind.TEMP) continue;
            Buf b = new Buf(bufs.size(), v.storage(), v.size, v);
            b.values.add(v);
            v.buf = b;
            bufs.add(b);
        }
        Map<Value, Integer> last = new HashMap<>();
        for (Unit u : schedule) for (Value v : u.reads) last.put(v, u.order);
        Map<Unit, List<Value>> produced = new HashMap<>();
        for (Value v : values) if (v.kind == Value.Kind.TEMP) produced.computeIfAbsent(v.producer, k -> new ArrayList<>()).add(v);
        Map<Storage, List<Buf>> free = new HashMap<>();
        for (Unit u : schedule) {
            List<Value> mine = produced.getOrDefault(u, List.of());
            for (Value v : mine) {
                if (v.pinned) {
                    Buf b = new Buf(bufs.size(), v.storage(), v.size, null);
                    b.values.add(v);
                    v.buf = b;
                    bufs.add(b);
                } else {
                    v.buf = allocate(free, v);
                }
            }
            for (Value v : mine) if (!v.pinned && last.getOrDefault(v, -1) <= u.order) release(free, v);
            for (Value v : u.reads) if (v.kind == Value.Kind.TEMP && !v.pinned && last.get(v) == u.order) release(free, v);
        }
    }

    private Buf allocate(Map<Storage, List<Buf>> free, Value v) {
        List<Buf> pool = free.computeIfAbsent(v.storage(), k -> new ArrayList<>());
        Buf best = null;
        for (Buf b : pool) if (b.capacity >= v.size && (best == null || b.capacity < best.capacity)) best = b;
        if (best == null) for (Buf b : pool) if (best == null || b.capacity > best.capacity) best = b;
        if (best == null) {
            best = new Buf(bufs.size(), v.storage(), v.size, null);
            bufs.add(best);
        } else {
            pool.remove(best);
            best.capacity = Math.max(best.capacity, v.size);
        }
        best.values.add(v);
        return best;
    }

    private static void release(Map<Storage, List<Buf>> free, Value v) {
        List<Buf> pool = free.computeIfAbsent(v.storage(), k -> new ArrayList<>());
        if (!pool.contains(v.buf)) pool.add(v.buf);
    }

    // ---- summaries --------------------------------------------------------------------------------------

    /** Total elements held by intermediate arrays (after reuse) and without reuse, for reports and tests. */
    long[] intermediateFootprint() {
        long planned = 0, naive = 0;
        for (Buf b : bufs) if (b.owner == null && !b.values.get(0).pinned) planned += b.capacity;
        for (Value v : values) if (v.kind == Value.Kind.TEMP && !v.pinned) naive += v.size;
        return new long[] {planned, naive};
    }

    static Set<Node> membersOf(Unit u) { return new LinkedHashSet<>(u.nodes); }
}
