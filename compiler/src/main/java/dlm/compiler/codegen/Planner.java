package dlm.compiler.codegen;

import dlm.compiler.codegen.Loop.Access;
import dlm.compiler.codegen.Loop.ReadVal;
import dlm.compiler.codegen.Loop.StoreOp;
import dlm.compiler.codegen.Loop.Val;
import dlm.compiler.diag.DlmException;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a graph whose symbolic dims are bound into a schedule of {@link Unit}s over a memory
 * plan of {@link Buf}s. It holds what the phases share (what is known of each node, the values,
 * the steps) and the operations they all use (storing a value, copying a view, recording a read);
 * each phase is a class of its own:
 *
 * <ol>
 *   <li><b>Lowering and fusion</b>, node by node in graph order ({@link Lowering}): views for
 *       movement ops, copy loops, kernel calls ({@link GemmLowering}, {@link KernelLowering}),
 *       element-wise groups with at most one reduction ({@link ElementwiseFusion}); the fusion
 *       rules ({@link FusionRule#ALL}) absorb nodes into planned kernels, or rewrite them after.</li>
 *   <li><b>Outputs</b> and in-place updates ({@link OutputPlanning}).</li>
 *   <li><b>The loop of each group</b> ({@link GroupLoops}).</li>
 *   <li><b>Schedule</b> ({@link Scheduler}).</li>
 *   <li><b>Memory plan</b> ({@link MemoryPlanner}).</li>
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
    /** Per oneHot node, the contiguous labels array it reads (and range-checks). */
    final Map<Node, View> oneHotLabels = new IdentityHashMap<>();
    /** How many times each node is read (as an input, or as a graph output). */
    final Map<Node, Integer> uses = new IdentityHashMap<>();
    List<Unit> schedule;
    final List<Buf> bufs = new ArrayList<>();
    int nextUnit;
    /** How many times each fusion rule fired, in {@link FusionRule#ALL}'s order. */
    final Map<FusionRule, Integer> fired = new LinkedHashMap<>();

    /**
     * @param inPlace output name → name of the input or param whose array that output overwrites
     */
    Planner(Graph graph, Map<String, Dim> binding, Map<String, String> inPlace) {
        this.graph = graph;
        this.binding = binding;
        for (Node n : graph.nodes()) for (Node i : n.inputs()) uses.merge(i, 1, Integer::sum);
        for (Node o : graph.outputs().values()) uses.merge(o, 2, Integer::sum); // never fused away
        for (FusionRule r : FusionRule.ALL) fired.put(r, 0);
        Lowering lowering = new Lowering(this);
        for (Node n : graph.nodes()) lowering.lower(n);
        for (FusionRule r : FusionRule.ALL) fired.merge(r, r.rewrite(this), Integer::sum);
        new OutputPlanning(this).planOutputs(inPlace);
        GroupLoops loops = new GroupLoops(this);
        for (Unit u : units) if (u instanceof Unit.Group g) loops.buildGroupLoop(g);
        schedule = Scheduler.schedule(units);
        new MemoryPlanner(this).planMemory();
    }

    // ---- what the phases share -------------------------------------------------------------------

    int[] shapeOf(Node n) {
        Shape s = n.type().shape().substitute(binding);
        if (!s.isKnown())
            throw new DlmException(n.span(), "cannot compile " + n.label() + ": its shape " + n.type().shape() + " is not known from the inputs' shapes");
        return s.sizes();
    }

    Info info(Node n) { return info.get(n); }

    Value newValue(Value.Kind kind, DType dtype, int size, Node node) {
        Value v = new Value(values.size(), kind, dtype, size, node);
        values.add(v);
        return v;
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
    Unit producerOf(Info x) {
        if (x.lit != null) return null;
        if (x.view != null) return x.view.base().producer;
        return x.group;
    }

    Unit.Group newGroup(int[] domain) {
        Unit.Group g = new Unit.Group(nextUnit++, domain);
        units.add(g);
        return g;
    }

    /** Records that u reads x's storage (which must exist). */
    void readBy(Unit u, View v) {
        u.reads.add(v.base());
        if (v.base().producer != null && v.base().producer != u) u.preds.add(v.base().producer);
    }

    /** Whether {@code from} depends (through preds, transitively) on any unit of {@code targets}. */
    static boolean reaches(Unit from, Set<? extends Unit> targets) {
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

    /** A Move step copying a view into a new contiguous array. */
    View copy(View src, Node origin) {
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

    static Loop copyLoop(View src, View dst, Node origin) {
        Loop l = new Loop(src.shape());
        Access r = l.access(src.base(), src.offset(), src.strides().clone());
        Val v = l.add(new ReadVal(src.base().dtype, origin, r));
        l.stores.add(new StoreOp(v, l.access(dst.base(), dst.offset(), dst.strides().clone()), origin));
        return l;
    }

    Unit.Move move(Info in, String what) {
        Unit.Move mv = new Unit.Move(nextUnit++, what);
        units.add(mv);
        mv.nodes.add(in.node);
        Value out = newValue(Value.Kind.TEMP, in.dtype, View.numel(in.shape), in.node);
        out.producer = mv;
        in.view = View.contiguous(out, in.shape);
        return mv;
    }

    View operand(Info x) {
        return stored(x);
    }

    /** Total elements held by intermediate arrays (after reuse) and without reuse, for reports and tests. */
    long[] intermediateFootprint() {
        long planned = 0, naive = 0;
        for (Buf b : bufs) if (b.owner == null && !b.values.get(0).pinned) planned += b.capacity;
        for (Value v : values) if (v.kind == Value.Kind.TEMP && !v.pinned) naive += v.size;
        return new long[] {planned, naive};
    }

    static Set<Node> membersOf(Unit u) { return new LinkedHashSet<>(u.nodes); }
}
