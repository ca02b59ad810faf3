package dlm.compiler.check;

import java.util.LinkedHashMap;
import java.util.Map;

/** Lexical scope: names to values, with a parent. */
public final class Scope {
    private final Scope parent;
    private final Map<String, Value> names = new LinkedHashMap<>();

    public Scope(Scope parent) { this.parent = parent; }

    public Value lookup(String name) {
        for (Scope s = this; s != null; s = s.parent) {
            Value v = s.names.get(name);
            if (v != null) return v;
        }
        return null;
    }

    public boolean definesLocally(String name) { return names.containsKey(name); }

    public void define(String name, Value v) { names.put(name, v); }

    public Scope child() { return new Scope(this); }

    /** All names visible from here (for "did you mean" suggestions). */
    public java.util.Set<String> visibleNames() {
        java.util.Set<String> all = new java.util.TreeSet<>();
        for (Scope s = this; s != null; s = s.parent) all.addAll(s.names.keySet());
        return all;
    }
}
