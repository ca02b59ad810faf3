package dlm.compiler.codegen;

import dlm.compiler.codegen.Planner.Info;
import dlm.compiler.ir.Node;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Element-wise fusion (phase 1 of the {@link Planner}): an element-wise op joins the group of an
 * element-wise producer of the same shape (merging the groups of several such producers) unless
 * that would make the step graph cyclic or the group too large ({@link Planner#Planner.MAX_GROUP}); a
 * reduction joins the group computing its input as that group's one reduction. A value read
 * outside its group, or viewed, is stored by its group ("materialized"); everything else stays
 * in registers.
 */
final class ElementwiseFusion {
    private final Planner p;

    ElementwiseFusion(Planner p) { this.p = p; }

    void elementwise(Info in) {
        Node n = in.node;
        List<Unit.Group> cands = new ArrayList<>();
        if (!n.is("oneHot"))
            for (Node i : n.inputs()) {
                Info x = p.info(i);
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
        if (chosen == null) chosen = p.newGroup(in.shape);
        chosen.members.add(n);
        chosen.nodes.add(n);
        in.group = chosen;
        for (Node i : n.inputs()) {
            Info x = p.info(i);
            if (x.group == chosen && Arrays.equals(x.shape, in.shape) && !n.is("oneHot")) continue;
            // oneHot reads its labels from an array (it checks their range), even a literal one.
            if (x.lit != null && !n.is("oneHot")) continue;
            View v = p.stored(x);
            if (n.is("oneHot")) {
                if (!v.isContiguous()) v = p.copy(v, n);
                p.oneHotLabels.put(n, v);
            }
            p.readBy(chosen, v);
        }
    }

    /** Whether n may join the union of the groups {@code m} without a cycle among steps. */
    private boolean canJoin(Set<Unit.Group> m, Info in) {
        int size = 1, reductions = 0;
        for (Unit.Group g : m) {
            size += g.size();
            if (g.reduction != null) reductions++;
        }
        if (size > Planner.MAX_GROUP || reductions > 1) return false;
        Set<Unit> outside = new LinkedHashSet<>();
        for (Node i : in.node.inputs()) {
            Info x = p.info(i);
            if (x.group != null && m.contains(x.group) && Arrays.equals(x.shape, in.shape)) continue;
            Unit u = p.producerOf(x);
            if (u == null) continue;
            if (m.contains(u)) return false; // reads a stored value of the group from inside it
            outside.add(u);
        }
        for (Unit.Group g : m)
            for (Unit u : g.preds) {
                if (m.contains(u)) return false; // one group reads the other's stored values
                outside.add(u);
            }
        for (Unit u : outside) if (Planner.reaches(u, m)) return false;
        return true;
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
            for (Info x : p.info.values()) if (x.group == g) x.group = keep;
            for (Value v : p.values) if (v.producer == g) v.producer = keep;
            for (Unit u : p.units) if (u.preds.remove(g)) u.preds.add(keep);
            p.units.remove(g);
        }
        keep.preds.removeAll(m);
        keep.preds.remove(keep);
        keep.members.sort(Comparator.comparingInt(Node::id));
        keep.nodes.sort(Comparator.comparingInt(Node::id));
        return keep;
    }

    /** Whether reduction {@code in} joins the group computing its input (else it reads the stored input). */
    boolean fusesIntoProducer(Info in) {
        Info x = p.info(in.node.input(0));
        // A big element-wise loop whose result is stored anyway (read elsewhere too: the relu
        // gradient, read by the bias gradient's sum and by the weight gradient's product) stays
        // element-wise, so that it runs split over all cores; the reduction re-reads the stored
        // values in a loop of its own (which C2 vectorizes). Fused, the loop would be one thread's.
        boolean bigAndStored = Planner.SPLIT_REDUCTIONS && x.group != null && p.uses.getOrDefault(x.node, 0) > 1
                && (long) View.numel(x.shape) >= ClassGen.PARALLEL_MIN_ELEMENTS;
        return x.group != null && x.group.reduction == null && x.group.size() < Planner.MAX_GROUP && !bigAndStored;
    }

    void reduction(Info in) {
        Node n = in.node;
        Info x = p.info(n.input(0));
        Unit.Group g;
        if (fusesIntoProducer(in)) g = x.group;
        else {
            g = p.newGroup(x.shape);
            if (x.lit == null) p.readBy(g, p.stored(x));
        }
        g.reduction = n;
        g.nodes.add(n);
        Value out = p.newValue(Value.Kind.TEMP, in.dtype, View.numel(in.shape), n);
        out.producer = g;
        g.reductionOut = out;
        in.view = View.contiguous(out, in.shape);
    }
}
