package dlm.compiler.check;

import dlm.compiler.check.Value.*;
import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceSpan;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Node;
import dlm.compiler.ops.Op;
import dlm.compiler.ops.OpRegistry;
import dlm.compiler.ops.Spelling;
import dlm.runtime.DType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The meaning of DLM's operators. Numbers, Bools and dims are folded at compile time; anything
 * involving a tensor becomes the op of the same name in the registry, with numbers taking the
 * tensor's dtype (weak typing). Which op a symbol means comes from the ops' spellings; the
 * arithmetic on numbers is the language's own (Ints exact, division by zero an error), not an op's.
 */
final class Operators {
    private Operators() {}

    /** Operator symbol to op name, from the ops' spellings: "+" → add, "@" → matmul, "-" (prefix) → neg. */
    static final Map<String, String> BINARY_OPS = spelled(Spelling.Form.INFIX), PREFIX_OPS = spelled(Spelling.Form.PREFIX);

    private static Map<String, String> spelled(Spelling.Form form) {
        Map<String, String> m = new HashMap<>();
        for (Op op : OpRegistry.all()) {
            if (op.spelling().form() == form && m.put(op.spelling().text(), op.name()) != null)
                throw new IllegalStateException("two ops spelled " + op.spelling());
        }
        return Map.copyOf(m);
    }

    static Value unary(Elaborator el, String op, Value v, SourceSpan span) {
        switch (op) {
            case "+" -> {
                if (v instanceof NumberV || v instanceof TensorV) return v;
            }
            case "-" -> {
                if (v instanceof NumberV n) return new NumberV(-n.value(), n.isInt(), n.explicitType());
                if (v instanceof TensorV t) return new TensorV(el.op(PREFIX_OPS.get("-"), span, t.node()));
            }
            case "!" -> {
                if (v instanceof BoolV b) return new BoolV(!b.value());
                if (v instanceof TensorV t) return new TensorV(el.op(PREFIX_OPS.get("!"), span, t.node()));
            }
            default -> { }
        }
        throw new DlmException(span, "operator '" + op + "' cannot be applied to " + v.describe());
    }

    static Value binary(Elaborator el, String op, Value l, Value r, SourceSpan opSpan, SourceSpan span) {
        if (l instanceof StringV || r instanceof StringV) {
            if (op.equals("+")) return new StringV(Show.value(l) + Show.value(r));
            if (op.equals("==") || op.equals("!=")) return new BoolV(l.equals(r) == op.equals("=="));
        }
        if (l instanceof NumberV a && r instanceof NumberV b) {
            Value v = numbers(op, a, b, opSpan);
            if (v instanceof NumberV n) warnIfNonFinite(el, BINARY_OPS.getOrDefault(op, op), n.value(), opSpan, a.value(), b.value());
            return v;
        }
        if (l instanceof BoolV a && r instanceof BoolV b) {
            switch (op) {
                case "&&": return new BoolV(a.value() && b.value());
                case "||": return new BoolV(a.value() || b.value());
                case "==": return new BoolV(a.value() == b.value());
                case "!=": return new BoolV(a.value() != b.value());
                default: throw new DlmException(opSpan, "operator '" + op + "' cannot be applied to Bools");
            }
        }
        if (isDim(l) && isDim(r) && (l instanceof DimV || r instanceof DimV)) return dims(op, l, r, opSpan);
        if (!(l instanceof TensorV) && !(r instanceof TensorV))
            throw new DlmException(opSpan, "operator '" + op + "' cannot be applied to " + l.describe() + " and " + r.describe());
        String name = BINARY_OPS.get(op);
        if (name == null) throw new DlmException(opSpan, "unknown operator '" + op + "'");
        Node a = l instanceof TensorV t ? t.node() : el.tensorLike(l, ((TensorV) r).node().type().dtype(), opSpan);
        Node b = r instanceof TensorV t ? t.node() : el.tensorLike(r, a.type().dtype(), opSpan);
        return new TensorV(el.op(name, List.of(a, b), Attrs.EMPTY, opSpan));
    }

    private static boolean isDim(Value v) { return v instanceof DimV || (v instanceof NumberV n && n.isInt()); }

    private static Value dims(String op, Value l, Value r, SourceSpan span) {
        Dim a = Elaborator.dimValue(l, span, "the left operand");
        Dim b = Elaborator.dimValue(r, span, "the right operand");
        switch (op) {
            case "*":
                try {
                    return new DimV(a.times(b));
                } catch (ArithmeticException e) {
                    throw new DlmException(span, "the dimension " + a + " * " + b + " overflows 64 bits");
                }
            case "/": {
                Dim q = a.dividedBy(b);
                if (q == null) throw new DlmException(span, "the dimension " + a + " is not divisible by " + b);
                return q.isKnown() ? new NumberV(q.coefficient(), true, null) : new DimV(q);
            }
            case "==": return new BoolV(a.equals(b));
            case "!=": return new BoolV(!a.equals(b));
            default: throw new DlmException(span, "symbolic dimensions can only be multiplied, divided and compared, not combined with '" + op + "'");
        }
    }

    private static Value numbers(String op, NumberV a, NumberV b, SourceSpan span) {
        boolean ints = a.isInt() && b.isInt();
        DType t = a.explicitType() != null ? a.explicitType() : b.explicitType();
        double x = a.value(), y = b.value();
        if (ints && (op.equals("+") || op.equals("-") || op.equals("*"))) return exactInt(op, a.asLong(), b.asLong(), t, span);
        switch (op) {
            case "+": return num(x + y, ints, t);
            case "-": return num(x - y, ints, t);
            case "*": return num(x * y, ints, t);
            case "/":
                if (ints) {
                    if (b.asLong() == 0) throw new DlmException(span, "division by zero");
                    return num(a.asLong() / b.asLong(), true, t);
                }
                return num(x / y, false, t);
            case "%":
                if (ints) {
                    if (b.asLong() == 0) throw new DlmException(span, "division by zero");
                    return num(a.asLong() % b.asLong(), true, t);
                }
                return num(x % y, false, t);
            case "<": return new BoolV(x < y);
            case "<=": return new BoolV(x <= y);
            case ">": return new BoolV(x > y);
            case ">=": return new BoolV(x >= y);
            case "==": return new BoolV(x == y);
            case "!=": return new BoolV(x != y);
            default: throw new DlmException(span, "operator '" + op + "' cannot be applied to numbers" + (op.equals("@") ? "; '@' is the tensor product" : ""));
        }
    }

    /**
     * Like NumPy's RuntimeWarning: a number folded at compile time that became NaN or inf from
     * finite operands (1f / 0f) keeps its IEEE value, with a located warning saying why.
     */
    static void warnIfNonFinite(Elaborator el, String op, double result, SourceSpan span, double... operands) {
        if (Double.isFinite(result)) return;
        java.util.List<dlm.runtime.Tensor> ins = new java.util.ArrayList<>();
        for (double x : operands) {
            if (!Double.isFinite(x)) return;
            ins.add(dlm.runtime.Tensor.scalar(DType.F64, x));
        }
        el.warn(span, dlm.compiler.interp.NonFinite.why(op, DType.F64, ins, result));
    }

    private static NumberV num(double v, boolean isInt, DType t) { return new NumberV(v, isInt, t); }

    /** The largest Int magnitude that is exact: Ints are folded at compile time, held as doubles. */
    static final long MAX_EXACT_INT = 1L << 53;

    /**
     * Int {@code +}, {@code -}, {@code *} in exact 64-bit arithmetic: a result that overflows, or
     * that a double cannot hold exactly, is a located error, never a wrapped or rounded size.
     */
    private static NumberV exactInt(String op, long x, long y, DType t, SourceSpan span) {
        long r;
        try {
            r = switch (op) {
                case "+" -> Math.addExact(x, y);
                case "-" -> Math.subtractExact(x, y);
                default -> Math.multiplyExact(x, y);
            };
        } catch (ArithmeticException e) {
            throw new DlmException(span, "Int overflow: " + x + " " + op + " " + y + " does not fit in 64 bits");
        }
        if (Math.abs(r) > MAX_EXACT_INT)
            throw new DlmException(span, "Int overflow: " + x + " " + op + " " + y + " = " + r + " is beyond the exact Int range (±2^53)");
        return num(r, true, t);
    }
}
