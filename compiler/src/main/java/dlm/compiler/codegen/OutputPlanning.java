package dlm.compiler.codegen;

import dlm.compiler.codegen.Planner.Info;
import dlm.compiler.diag.DlmException;
import dlm.compiler.ir.Node;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Phase 2 of the {@link Planner}: each graph output gets an array of its own (pinned), except
 * in-place outputs: {@code update:W} is stored straight into W's array (and {@code slot:W/m}
 * into the slot's) by the group computing it, which then runs after every other reader of the
 * old W (write-after-read edges); if that would make the step graph cyclic, or the update is not
 * an element-wise value of a group that reads W only at the element it writes, a copy at the
 * end writes it instead.
 */
final class OutputPlanning {
    private final Planner p;

    OutputPlanning(Planner p) { this.p = p; }

    void planOutputs(Map<String, String> inPlace) {
        Map<String, Node> externalByName = new HashMap<>();
        for (Node e : p.externals.keySet()) externalByName.put(e.name(), e);
        List<Object[]> direct = new ArrayList<>(); // {Group, Node value, Value external, String output}
        List<Object[]> copies = new ArrayList<>(); // {View src, Value external, Node origin}
        for (var e : p.graph.outputs().entrySet()) {
            String name = e.getKey();
            Node n = e.getValue();
            Info x = p.info(n);
            p.outputShapes.put(name, x.shape);
            String target = inPlace.get(name);
            if (target == null) {
                p.outputs.put(name, pinnedOutput(x));
                continue;
            }
            Node tn = externalByName.get(target);
            if (tn == null) throw new IllegalArgumentException("in-place output " + name + ": no input or param named " + target);
            Value ext = p.externals.get(tn);
            p.outputs.put(name, View.contiguous(ext, x.shape));
            if (x.view != null && x.view.base() == ext && x.view.isWhole()) continue; // the value already is that array
            if (x.group != null && ext.size == View.numel(x.shape) && identityReadsOnly(x.group, ext)
                    && direct.stream().noneMatch(d -> d[2] == ext)) direct.add(new Object[] {x.group, n, ext, name});
            else copies.add(new Object[] {p.stored(x), ext, n});
        }
        // Direct in-place stores, each after every other reader of the array it overwrites.
        for (Object[] d : direct) {
            Unit.Group g = (Unit.Group) d[0];
            Node n = (Node) d[1];
            Value ext = (Value) d[2];
            List<Unit> readers = readersOf(ext, g);
            boolean ok = true;
            for (Unit r : readers) if (Planner.reaches(r, Set.of(g))) ok = false;
            if (!ok) {
                copies.add(new Object[] {p.stored(p.info(n)), ext, n});
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
            if (overwritten.contains(src.base())) src = p.copy(src, origin);
            Unit.Move mv = new Unit.Move(p.nextUnit++, "update");
            p.units.add(mv);
            mv.nodes.add(origin);
            mv.loops.add(p.copyLoop(src, View.contiguous(ext, src.shape()), origin));
            p.readBy(mv, src);
            mv.inPlace.add(ext);
            copyUnits.add(new Object[] {mv, ext});
        }
        for (Object[] c : copyUnits) {
            Unit mv = (Unit) c[0];
            for (Unit r : readersOf((Value) c[1], mv)) mv.preds.add(r);
        }
        // copies may read an array that a group overwrites in place: they run before it
        for (Unit u : p.units) {
            if (!(u instanceof Unit.Group g) || g.inPlace.isEmpty()) continue;
            for (Value ext : g.inPlace)
                for (Unit r : readersOf(ext, g)) {
                    if (g.preds.contains(r)) continue;
                    if (Planner.reaches(r, Set.of(g)))
                        throw new DlmException(r.firstNode().span(), "cannot schedule the in-place update of " + ext.node.label());
                    g.preds.add(r);
                }
        }
    }

    private List<Unit> readersOf(Value v, Unit except) {
        List<Unit> rs = new ArrayList<>();
        for (Unit u : p.units) if (u != except && u.reads.contains(v)) rs.add(u);
        return rs;
    }

    /** Whether group g reads {@code ext} only at the element it is computing (so it may overwrite it). */
    private boolean identityReadsOnly(Unit.Group g, Value ext) {
        int[] identity = View.rowMajor(g.domain);
        List<Node> readers = new ArrayList<>(g.members);
        if (g.reduction != null) readers.add(g.reduction);
        for (Node m : readers) {
            if (m.is("oneHot")) {
                if (p.oneHotLabels.get(m).base() == ext) return false;
                continue;
            }
            for (Node i : m.inputs()) {
                Info x = p.info(i);
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
        View v = p.stored(x);
        Value b = v.base();
        if (b.kind == Value.Kind.TEMP && !b.pinned && v.isWhole()) {
            b.pinned = true;
            return v;
        }
        Unit.Move mv = new Unit.Move(p.nextUnit++, "output");
        p.units.add(mv);
        mv.nodes.add(x.node);
        Value out = p.newValue(Value.Kind.TEMP, x.dtype, View.numel(x.shape), x.node);
        out.producer = mv;
        out.pinned = true;
        View dst = View.contiguous(out, x.shape);
        mv.loops.add(p.copyLoop(v, dst, x.node));
        p.readBy(mv, v);
        return dst;
    }
}
