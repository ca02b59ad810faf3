package dlm.compiler.codegen;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Phase 4 of the {@link Planner}: a topological order of the steps (each after its
 * {@link Unit#preds}), in-place updates as late as possible, otherwise in graph order.
 */
final class Scheduler {
    private Scheduler() {}

    /** The steps in order, each with its {@link Unit#order} set. */
    static List<Unit> schedule(List<Unit> units) {
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
        List<Unit> schedule = new ArrayList<>();
        while (!ready.isEmpty()) {
            Unit u = ready.poll();
            u.order = schedule.size();
            schedule.add(u);
            for (Unit s : succ.getOrDefault(u, List.of())) if (indegree.merge(s, -1, Integer::sum) == 0) ready.add(s);
        }
        if (schedule.size() != units.size()) throw new IllegalStateException("the step graph has a cycle");
        return schedule;
    }
}
