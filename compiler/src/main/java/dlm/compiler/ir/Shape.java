package dlm.compiler.ir;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** A static shape: a list of {@link Dim}s, possibly symbolic. Immutable. */
public record Shape(List<Dim> dims) {

    public static final Shape SCALAR = new Shape(List.of());

    public Shape { dims = List.copyOf(dims); }

    public static Shape of(int... sizes) {
        List<Dim> d = new ArrayList<>();
        for (int s : sizes) d.add(Dim.of(s));
        return new Shape(d);
    }

    public static Shape of(Dim... dims) { return new Shape(Arrays.asList(dims)); }

    public int rank() { return dims.size(); }

    public Dim dim(int axis) { return dims.get(axis); }

    public boolean isKnown() { return dims.stream().allMatch(Dim::isKnown); }

    /** The sizes; throws when a dim is symbolic. */
    public int[] sizes() {
        int[] s = new int[dims.size()];
        for (int i = 0; i < s.length; i++) s[i] = dims.get(i).size();
        return s;
    }

    /** The product of all dims (symbolic when any dim is). */
    public Dim numel() {
        Dim n = Dim.of(1);
        for (Dim d : dims) n = n.times(d);
        return n;
    }

    /**
     * Why a tensor of this shape cannot exist, or null when it can: more than
     * {@link Dim#MAX_ELEMENTS} elements in all (counting the known part of a symbolic shape; the
     * products are exact, never wrapped around). Zero-size tensors exist, as in NumPy.
     */
    public String sizeProblem() {
        long n = 1;
        boolean overflow = false;
        for (int i = 0; i < dims.size(); i++) {
            long c = dims.get(i).coefficient();
            if (c > Dim.MAX_ELEMENTS) return "axis " + i + " has size " + c + ", more than a tensor can hold (" + Dim.MAX_ELEMENTS + " elements, 2^31 - 1)";
            if (overflow) continue;
            try {
                n = Math.multiplyExact(n, c);
            } catch (ArithmeticException e) {
                overflow = true;
            }
        }
        if (dims.stream().anyMatch(d -> d.coefficient() == 0)) return null; // no elements at all
        if (overflow || n > Dim.MAX_ELEMENTS)
            return (overflow ? "its element count overflows 64 bits" : "it has " + n + (isKnown() ? "" : " × " + String.join(" × ", numel().symbols())) + " elements")
                    + ", more than a tensor can hold (" + Dim.MAX_ELEMENTS + " elements, 2^31 - 1)";
        return null;
    }

    public Shape substitute(Map<String, Dim> binding) {
        return new Shape(dims.stream().map(d -> d.substitute(binding)).toList());
    }

    /** NumPy-style tuple text: {@code ()}, {@code (5,)}, {@code (3, 5)}. */
    public String tuple() {
        if (dims.size() == 1) return "(" + dims.get(0) + ",)";
        return dims.stream().map(Dim::toString).collect(Collectors.joining(", ", "(", ")"));
    }

    /** DLM type text: {@code [3, 5]}, {@code []}. */
    @Override
    public String toString() {
        return dims.stream().map(Dim::toString).collect(Collectors.joining(", ", "[", "]"));
    }
}
