package dlm.compiler.check;

import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceSpan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The parameter list of a builtin function, and the Kotlin-style binding of a call's
 * positional and named arguments to it (positional first, then named, then defaults).
 * User functions bind the same way from their declarations ({@link #bind}).
 */
public record Signature(String function, List<Param> params) {

    /**
     * A parameter; {@code dflt} null means required; a vararg collects the remaining positionals;
     * a parameter named {@code **} collects named arguments that match no other parameter.
     */
    public record Param(String name, Value dflt, boolean vararg) {
        public static final String KWARGS = "**";

        public static Param required(String name) { return new Param(name, null, false); }

        public static Param optional(String name, Value dflt) { return new Param(name, dflt, false); }

        public static Param varargs(String name) { return new Param(name, null, true); }
    }

    /** An evaluated call argument. */
    public record ArgValue(String name, Value value, SourceSpan span) {}

    /** The bound arguments: each parameter's value and where it came from (the call when defaulted). */
    public record Bound(Map<String, Value> values, Map<String, SourceSpan> spans, List<Value> varargs, List<SourceSpan> varargSpans,
                        Map<String, Value> kwargs) {
        public Value get(String name) { return values.get(name); }

        public SourceSpan span(String name) { return spans.get(name); }

        public boolean given(String name) { return values.get(name) != null; }
    }

    public static Signature of(String function, Param... params) { return new Signature(function, List.of(params)); }

    /** {@code dense(x, units, activation = …)} for messages. */
    public String display() {
        return function + "(" + params.stream().map(p -> p.vararg ? p.name + "..." : p.name.equals(Param.KWARGS) ? "attribute = value..." : p.name).collect(Collectors.joining(", ")) + ")";
    }

    public Bound bind(List<ArgValue> args, SourceSpan callSpan) {
        Map<String, Value> values = new LinkedHashMap<>();
        Map<String, SourceSpan> spans = new LinkedHashMap<>();
        List<Value> varargs = new ArrayList<>();
        List<SourceSpan> varargSpans = new ArrayList<>();
        Map<String, Value> kwargs = new LinkedHashMap<>();
        boolean takesKwargs = find(Param.KWARGS) != null;
        int next = 0;
        boolean sawNamed = false;
        for (ArgValue a : args) {
            if (a.name() == null) {
                if (sawNamed) throw new DlmException(a.span(), "a positional argument cannot follow named arguments in a call of " + function);
                if (next < params.size() && params.get(next).vararg) {
                    varargs.add(a.value());
                    varargSpans.add(a.span());
                    continue;
                }
                if (next >= params.size())
                    throw new DlmException(a.span(), "too many arguments for " + display() + ": expected at most " + params.size() + ", got " + args.size());
                Param p = params.get(next++);
                values.put(p.name, a.value());
                spans.put(p.name, a.span());
            } else {
                sawNamed = true;
                Param p = find(a.name());
                if (p == null && takesKwargs) {
                    if (kwargs.put(a.name(), a.value()) != null)
                        throw new DlmException(a.span(), "argument '" + a.name() + "' is given twice in a call of " + function);
                    continue;
                }
                if (p == null) {
                    String s = Suggest.closest(a.name(), params.stream().filter(q -> !q.vararg && !q.name.equals(Param.KWARGS)).map(q -> q.name).toList());
                    throw new DlmException(a.span(), "unknown argument '" + a.name() + "' for " + display() + (s != null ? "; did you mean '" + s + "'?" : ""));
                }
                if (values.containsKey(p.name) || (p.vararg && !varargs.isEmpty()))
                    throw new DlmException(a.span(), "argument '" + a.name() + "' is given twice in a call of " + function);
                if (p.vararg) {
                    varargs.add(a.value());
                    varargSpans.add(a.span());
                } else {
                    values.put(p.name, a.value());
                    spans.put(p.name, a.span());
                }
            }
        }
        for (Param p : params) {
            if (p.vararg || p.name.equals(Param.KWARGS) || values.containsKey(p.name)) continue;
            if (p.dflt == null) throw new DlmException(callSpan, "missing argument '" + p.name + "' in a call of " + display());
            values.put(p.name, p.dflt);
            spans.put(p.name, callSpan);
        }
        return new Bound(values, spans, varargs, varargSpans, kwargs);
    }

    private Param find(String name) {
        for (Param p : params) if (p.name.equals(name)) return p;
        return null;
    }
}
