package dlm.compiler.codegen;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Phase 5 of the {@link Planner}: every intermediate array is allocated once; an intermediate's
 * array is reused by later intermediates of the same storage type once its last reader has run
 * (greedy best fit, growing an array when none is large enough). Externals, constants and
 * pinned outputs get arrays of their own.
 */
final class MemoryPlanner {
    private final Planner p;

    MemoryPlanner(Planner p) { this.p = p; }

    void planMemory() {
        for (Value v : p.values) {
            if (v.kind == Value.Kind.TEMP) continue;
            Buf b = new Buf(p.bufs.size(), v.storage(), v.size, v);
            b.values.add(v);
            v.buf = b;
            p.bufs.add(b);
        }
        Map<Value, Integer> last = new HashMap<>();
        for (Unit u : p.schedule) for (Value v : u.reads) last.put(v, u.order);
        Map<Unit, List<Value>> produced = new HashMap<>();
        for (Value v : p.values) if (v.kind == Value.Kind.TEMP) produced.computeIfAbsent(v.producer, k -> new ArrayList<>()).add(v);
        Map<Storage, List<Buf>> free = new HashMap<>();
        for (Unit u : p.schedule) {
            List<Value> mine = produced.getOrDefault(u, List.of());
            for (Value v : mine) {
                if (v.pinned) {
                    Buf b = new Buf(p.bufs.size(), v.storage(), v.size, null);
                    b.values.add(v);
                    v.buf = b;
                    p.bufs.add(b);
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
            best = new Buf(p.bufs.size(), v.storage(), v.size, null);
            p.bufs.add(best);
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
}
