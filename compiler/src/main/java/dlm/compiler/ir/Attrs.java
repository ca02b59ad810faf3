package dlm.compiler.ir;

import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * An op's static attributes (axes, keepdims, target shape, dtype, constant value…), immutable.
 * Values are Integer, Long, Double, Boolean, String, int[], long[], DType, Shape, Tensor or a record.
 */
public final class Attrs {
    public static final Attrs EMPTY = new Attrs(Map.of());

    private final Map<String, Object> values;

    private Attrs(Map<String, Object> values) { this.values = values; }

    public static Attrs of(Object... keyValues) {
        if (keyValues.length % 2 != 0) throw new IllegalArgumentException("odd key/value list");
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) m.put((String) keyValues[i], Objects.requireNonNull(keyValues[i + 1], (String) keyValues[i]));
        return new Attrs(java.util.Collections.unmodifiableMap(m));
    }

    public Attrs with(String key, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(values);
        m.put(key, value);
        return new Attrs(java.util.Collections.unmodifiableMap(m));
    }

    public boolean has(String key) { return values.containsKey(key); }

    public Object get(String key) {
        Object v = values.get(key);
        if (v == null) throw new IllegalArgumentException("missing attribute '" + key + "'");
        return v;
    }

    public int getInt(String key) { return ((Number) get(key)).intValue(); }

    public int getInt(String key, int dflt) { return has(key) ? getInt(key) : dflt; }

    public double getDouble(String key) { return ((Number) get(key)).doubleValue(); }

    public boolean getBool(String key, boolean dflt) { return has(key) ? (Boolean) get(key) : dflt; }

    public int[] getInts(String key) { return (int[]) get(key); }

    public DType getDType(String key) { return (DType) get(key); }

    public Shape getShape(String key) { return (Shape) get(key); }

    public Tensor getTensor(String key) { return (Tensor) get(key); }

    public Map<String, Object> asMap() { return values; }

    public boolean isEmpty() { return values.isEmpty(); }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Attrs a) || !a.values.keySet().equals(values.keySet())) return false;
        for (var e : values.entrySet()) if (!Objects.deepEquals(e.getValue(), a.values.get(e.getKey()))) return false;
        return true;
    }

    @Override
    public int hashCode() {
        int h = 0;
        for (var e : values.entrySet()) h += e.getKey().hashCode() ^ Arrays.deepHashCode(new Object[] {e.getValue()});
        return h;
    }

    /** {@code axes=[1], keepdims=true}; tensors print by shape only. */
    @Override
    public String toString() {
        return values.entrySet().stream().map(e -> e.getKey() + "=" + show(e.getValue())).collect(Collectors.joining(", "));
    }

    private static String show(Object v) {
        if (v instanceof int[] a) return Arrays.toString(a);
        if (v instanceof long[] a) return Arrays.toString(a);
        if (v instanceof Tensor t) return t.size() <= 8 ? t.toString() : t.dtype().dlmName() + Arrays.toString(t.shape());
        return String.valueOf(v);
    }
}
