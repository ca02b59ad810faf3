package dlm.compiler.check;

import dlm.compiler.check.Value.*;
import java.util.stream.Collectors;

/** How compile-time values print (println, string concatenation). Tensors print as NumPy arrays elsewhere. */
public final class Show {
    private Show() {}

    public static String value(Value v) {
        return switch (v) {
            case NumberV n -> n.isInt() ? Long.toString(n.asLong()) : number(n.value());
            case BoolV b -> Boolean.toString(b.value());
            case StringV s -> s.value();
            case DimV d -> d.dim().toString();
            case ShapeV s -> s.shape().tuple();
            case DTypeV d -> d.dtype().dlmName();
            case ListV l -> l.items().stream().map(Show::value).collect(Collectors.joining(", ", "[", "]"));
            case FunV f -> "::" + f.name();
            case InitV i -> i.name() + "(" + i.args().entrySet().stream().map(e -> e.getKey() + " = " + number(e.getValue())).collect(Collectors.joining(", ")) + ")";
            case ConfigV c when c.args().get(DataBuiltins.SOURCE) != null -> c.args().get(DataBuiltins.SOURCE).toString();
            // an optimizer's base options are shown only when on (not 0)
            case ConfigV c -> c.name() + "(" + c.args().entrySet().stream()
                    .filter(e -> !(c.kind().equals("optimizer") && Builtins.OPTIMIZER_OPTIONS.contains(e.getKey()) && e.getValue() instanceof Double d && d == 0)).map(e -> e.getKey() + " = " + (e.getValue() instanceof Double d ? number(d) : e.getValue() instanceof FunV f ? "::" + f.name()
                            : e.getValue() instanceof String str ? "\"" + str + "\"" : e.getValue())).collect(Collectors.joining(", ")) + ")";
            default -> v.describe();
        };
    }

    /** Shortest round-trip text as Python prints floats: {@code 2.0}, {@code 0.001}, {@code 1e-07}. */
    public static String number(double d) {
        if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e16) return Long.toString((long) d) + ".0";
        String s = Double.toString(d);
        int e = s.indexOf('E');
        if (e < 0) return s;
        String mantissa = s.substring(0, e);
        if (mantissa.endsWith(".0")) mantissa = mantissa.substring(0, mantissa.length() - 2);
        int exp = Integer.parseInt(s.substring(e + 1));
        if (exp >= -4 && exp < 16) return new java.math.BigDecimal(s).toPlainString();
        return mantissa + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
    }
}
