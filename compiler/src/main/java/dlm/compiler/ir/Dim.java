package dlm.compiler.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One dimension of a static shape: a known size, or a product of named symbolic dimensions
 * times a constant ({@code batch}, {@code batch*784}). Symbolic dimensions stand for sizes known
 * only when the program runs (the batch size); two dims are equal only when they are the same
 * monomial, which is what lets the checker prove {@code reshape(-1, 784)} of a {@code [batch,28,28]}
 * tensor has shape {@code [batch, 784]}.
 */
public record Dim(long coefficient, List<String> symbols) {

    public Dim {
        symbols = List.copyOf(symbols);
        if (coefficient < 0) throw new IllegalArgumentException("negative dimension " + coefficient);
    }

    /** The most elements a tensor (and so any one axis) can hold: the JVM's array limit, 2^31 - 1. */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE;

    public static Dim of(long size) { return new Dim(size, List.of()); }

    public static Dim sym(String name) { return new Dim(1, List.of(name)); }

    public boolean isKnown() { return symbols.isEmpty(); }

    /** The known size; throws when symbolic or beyond {@link #MAX_ELEMENTS} (never wraps around). */
    public int size() {
        if (!isKnown()) throw new IllegalStateException("symbolic dimension " + this);
        return Math.toIntExact(coefficient);
    }

    public boolean isOne() { return isKnown() && coefficient == 1; }

    /** The product; throws {@link ArithmeticException} when the coefficient overflows 64 bits. */
    public Dim times(Dim o) {
        List<String> s = new ArrayList<>(symbols);
        s.addAll(o.symbols);
        Collections.sort(s);
        return new Dim(Math.multiplyExact(coefficient, o.coefficient), s);
    }

    /** This divided by o when the division is exact, else null. */
    public Dim dividedBy(Dim o) {
        if (o.coefficient == 0 || coefficient % o.coefficient != 0) return null;
        List<String> s = new ArrayList<>(symbols);
        for (String sym : o.symbols) if (!s.remove(sym)) return null;
        return new Dim(coefficient / o.coefficient, s);
    }

    /** Replaces symbols by their sizes where the binding has them. */
    public Dim substitute(Map<String, Dim> binding) {
        Dim r = Dim.of(coefficient);
        for (String s : symbols) r = r.times(binding.getOrDefault(s, Dim.sym(s)));
        return r;
    }

    @Override
    public String toString() {
        if (isKnown()) return Long.toString(coefficient);
        String p = String.join("*", symbols);
        return coefficient == 1 ? p : coefficient + "*" + p;
    }
}
