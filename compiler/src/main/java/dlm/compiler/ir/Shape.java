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
