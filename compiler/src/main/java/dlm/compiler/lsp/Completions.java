package dlm.compiler.lsp;

import dlm.compiler.ast.Ast;
import dlm.compiler.check.Value;
import dlm.compiler.check.Value.*;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionItemKind;

/**
 * Completion at a position: the named arguments of the call the cursor is in ({@code units = }),
 * the names declared before it in its model or function, the file's and its imports' names
 * and the prelude's (functions after {@code ::} and {@code .}), keywords and dtypes.
 */
final class Completions {
    private Completions() {}

    static final List<String> KEYWORDS = List.of("import", "fun", "model", "train", "val", "param", "state", "return", "true", "false");
    /** The dtypes ({@code dlm.runtime.DType}) and the named types of annotations ({@code Types.conform}). */
    static final List<String> TYPES = List.of("bool", "u8", "i32", "i64", "f16", "f32", "f64",
            "Int", "Float", "Double", "Number", "Bool", "Boolean", "String", "Tensor", "Initializer", "Shape", "DType", "Any");

    static List<CompletionItem> complete(Document doc, int line, int column) {
        String text = doc.text;
        int offset = offset(text, line, column);
        int start = offset;
        while (start > 0 && (Character.isLetterOrDigit(text.charAt(start - 1)) || text.charAt(start - 1) == '_')) start--;
        String prefix = text.substring(start, offset);
        boolean member = start > 0 && text.charAt(start - 1) == '.';
        boolean funRef = start > 1 && text.startsWith("::", start - 2);

        Map<String, CompletionItem> items = new LinkedHashMap<>();
        CallContext call = member || funRef ? null : callContext(text, start);
        for (Document.Source src : doc.sources()) {
            Analysis a = src.analysis();
            if (call != null && Lookup.lookup(a, call.function()) instanceof FunV f) {
                List<String> params = Describe.parameterNames(f);
                for (int i = call.positional() + (call.method() ? 1 : 0); i < params.size(); i++)
                    if (!call.named().contains(params.get(i)))
                        add(items, params.get(i) + " = ", CompletionItemKind.Property, "argument of " + f.name(), "0");
            }
            if (!member && !funRef) {
                // the cursor's line, or (when it changed since this analysis) the end of the nearest line above that did not
                int l = src.line(line), c = column;
                for (int up = line - 1; l < 0 && up >= 1; up--) { l = src.line(up); c = Integer.MAX_VALUE; }
                if (l >= 0) locals(a, l, c).forEach(fact -> add(items, fact.name(), kind(fact.value()), Describe.type(fact.value()), "1"));
            }
            if (a.program != null) {
                for (String n : a.program.scope().visibleNames()) {
                    Value v = a.program.scope().lookup(n);
                    if ((member || funRef) && !(v instanceof FunV)) continue;
                    add(items, n, kind(v), v instanceof FunV fn ? Describe.signature(fn) : Describe.type(v), "2");
                }
            }
        }
        if (!member && !funRef) {
            for (String k : KEYWORDS) add(items, k, CompletionItemKind.Keyword, "keyword", "3");
            for (String t : TYPES) add(items, t, CompletionItemKind.TypeParameter, "type", "3");
        }
        List<CompletionItem> out = new ArrayList<>();
        for (CompletionItem it : items.values()) if (it.getLabel().regionMatches(true, 0, prefix, 0, prefix.length())) out.add(it);
        return out;
    }

    private static void add(Map<String, CompletionItem> items, String label, CompletionItemKind kind, String detail, String rank) {
        if (items.containsKey(label)) return;
        CompletionItem it = new CompletionItem(label);
        it.setKind(kind);
        it.setDetail(detail);
        it.setSortText(rank + label);
        items.put(label, it);
    }

    private static CompletionItemKind kind(Value v) {
        return switch (v) {
            case FunV f -> CompletionItemKind.Function;
            case ModelV m -> CompletionItemKind.Class;
            case TensorV t -> CompletionItemKind.Variable;
            case null, default -> CompletionItemKind.Constant;
        };
    }

    /** The declarations before the position in the model, function or script part holding it. */
    private static List<Fact> locals(Analysis a, int line, int column) {
        Ast.Decl enclosing = null;
        if (a.ast != null) for (Ast.Decl d : a.ast.decls()) if (Positions.contains(d.span(), line, column)) enclosing = d;
        List<Fact> out = new ArrayList<>();
        for (Fact f : a.facts) {
            if (!f.isDeclaration()) continue;
            boolean before = f.span().line() < line || (f.span().line() == line && f.span().endColumn() <= column);
            boolean inside = enclosing == null ? !(a.ast != null && inAnyDecl(a, f)) : Positions.contains(enclosing.span(), f.span().line(), f.span().column());
            if (before && inside) out.add(f);
        }
        return out;
    }

    private static boolean inAnyDecl(Analysis a, Fact f) {
        for (Ast.Decl d : a.ast.decls())
            if (!(d instanceof Ast.TopLevelStmt) && Positions.contains(d.span(), f.span().line(), f.span().column())) return true;
        return false;
    }

    /**
     * The call whose argument list holds a cursor at an argument's start: {@code function} is
     * its name, {@code method} whether it is called as {@code x.f(…)} (x is then its first
     * argument), {@code positional} the positional arguments before the cursor and {@code named}
     * the names already given.
     */
    record CallContext(String function, boolean method, int positional, java.util.Set<String> named) {}

    private static final java.util.regex.Pattern NAMED = java.util.regex.Pattern.compile("^\\s*([\\p{L}_][\\p{L}\\p{Nd}_]*)\\s*=(?!=)");

    /** The call context at {@code at}, or null when {@code at} does not start an argument. Scans back over balanced brackets, 4,000 chars at most. */
    static CallContext callContext(String text, int at) {
        int i = at - 1;
        while (i >= 0 && Character.isWhitespace(text.charAt(i))) i--;
        if (i < 0 || (text.charAt(i) != '(' && text.charAt(i) != ',')) return null;
        int depth = 0, argEnd = at;
        int positional = 0;
        java.util.Set<String> named = new java.util.HashSet<>();
        for (int limit = Math.max(0, at - 4000); i >= limit; i--) {
            char c = text.charAt(i);
            if (c == ')' || c == ']' || c == '}') depth++;
            else if ((c == '[' || c == '{') && depth == 0) return null;
            else if (c == '[' || c == '{') depth--;
            else if (c == ',' && depth == 0) {
                if (argEnd != at && !isNamed(text.substring(i + 1, argEnd), named)) positional++;
                argEnd = i;
            } else if (c == '(') {
                if (depth > 0) { depth--; continue; }
                if (argEnd != at && !isNamed(text.substring(i + 1, argEnd), named)) positional++;
                int e = i;
                while (e > 0 && Character.isWhitespace(text.charAt(e - 1))) e--;
                int s = e;
                while (s > 0 && (Character.isLetterOrDigit(text.charAt(s - 1)) || text.charAt(s - 1) == '_')) s--;
                return s < e ? new CallContext(text.substring(s, e), s > 0 && text.charAt(s - 1) == '.', positional, named) : null;
            }
        }
        return null;
    }

    /** Whether an argument's text is {@code name = …}; its name is then added to {@code named}. */
    private static boolean isNamed(String arg, java.util.Set<String> named) {
        java.util.regex.Matcher m = NAMED.matcher(arg);
        if (!m.find()) return false;
        named.add(m.group(1));
        return true;
    }

    /** The char offset of a 1-based line and column, clamped to the text. */
    static int offset(String text, int line, int column) {
        int off = 0;
        for (int l = 1; l < line && off < text.length(); l++) {
            int nl = nextBreak(text, off);
            if (nl < 0) return text.length();
            off = nl;
        }
        int lineEnd = nextBreak(text, off);
        int end = lineEnd < 0 ? text.length() : lineEnd - (text.startsWith("\r\n", lineEnd - 2) ? 2 : 1);
        return off + Math.min(Math.max(0, column - 1), Math.max(0, end - off));
    }

    /** The offset just past the next line break at or after {@code from}, or -1. */
    private static int nextBreak(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') return i + 1;
            if (c == '\r') return i + 1 < text.length() && text.charAt(i + 1) == '\n' ? i + 2 : i + 1;
        }
        return -1;
    }
}
