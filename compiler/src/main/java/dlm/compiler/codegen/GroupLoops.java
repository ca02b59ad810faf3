package dlm.compiler.codegen;

import dlm.compiler.codegen.Loop.Access;
import dlm.compiler.codegen.Loop.IotaVal;
import dlm.compiler.codegen.Loop.LitVal;
import dlm.compiler.codegen.Loop.OpVal;
import dlm.compiler.codegen.Loop.RandVal;
import dlm.compiler.codegen.Loop.ReadVal;
import dlm.compiler.codegen.Loop.Red;
import dlm.compiler.codegen.Loop.StoreOp;
import dlm.compiler.codegen.Loop.Val;
import dlm.compiler.codegen.Planner.Info;
import dlm.compiler.ir.Node;
import dlm.compiler.ops.RandomOp;
import dlm.runtime.DType;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

/** Phase 3 of the {@link Planner}: the {@link Loop} of each fused group, from its members, stores and reduction. */
final class GroupLoops {
    private final Planner p;

    GroupLoops(Planner p) { this.p = p; }

    void buildGroupLoop(Unit.Group g) {
        Loop l = new Loop(g.domain);
        g.loop = l;
        Map<Node, Val> vals = new IdentityHashMap<>();
        Map<Access, ReadVal> reads = new IdentityHashMap<>();
        for (Node m : g.members) {
            Info mi = p.info(m);
            Val[] ins;
            if (m.is("oneHot")) {
                View labels = p.oneHotLabels.get(m);
                int[] st = Arrays.copyOf(labels.strides(), g.domain.length);
                Access a = l.access(labels.base(), labels.offset(), st);
                ReadVal r = reads.computeIfAbsent(a, k -> l.add(new ReadVal(labels.base().dtype, m, k)));
                int last = g.domain.length - 1;
                Val iota = g.domain[last] == 1 ? l.add(new LitVal(DType.I32, m, 0, 0)) : l.add(new IotaVal(m, last));
                ins = new Val[] {r, iota};
                l.checks.add(new Loop.LabelCheck(labels.base(), labels.offset(), labels.numel(), m.attrs().getInt("depth"), m));
            } else if (m.op() instanceof RandomOp r) {
                Val seed = valueOf(l, g, m.input(0), m, vals, reads), step = valueOf(l, g, m.input(1), m, vals, reads);
                Access index = new Access(null, 0, View.rowMajor(g.domain));
                l.indices.add(index);
                vals.put(m, l.add(new RandVal(mi.dtype, m, seed, step, index, m.attrs().getInt("stream"), r.normal())));
                continue;
            } else {
                ins = new Val[m.inputs().size()];
                for (int k = 0; k < ins.length; k++) ins[k] = valueOf(l, g, m.input(k), m, vals, reads);
            }
            vals.put(m, l.add(new OpVal(mi.dtype, m, m.opName(), m.attrs(), ins)));
        }
        int[] identity = View.rowMajor(g.domain);
        for (Node m : g.members) {
            Info mi = p.info(m);
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
            Red red = new Red(r.opName(), input, l.access(g.reductionOut, 0, st), p.info(r).dtype, r);
            red.count = count;
            red.outSize = g.reductionOut.size;
            l.red = red;
        }
        l.collapse();
        if (l.red != null && l.red.needsScratch()) {
            Value s = p.newValue(Value.Kind.TEMP, DType.F64, l.red.outSize, null);
            s.producer = g;
            l.red.scratch = s;
        }
    }

    private Val valueOf(Loop l, Unit.Group g, Node i, Node consumer, Map<Node, Val> vals, Map<Access, ReadVal> reads) {
        Info x = p.info(i);
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
}
