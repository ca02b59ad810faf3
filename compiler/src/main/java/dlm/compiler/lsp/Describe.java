package dlm.compiler.lsp;

import dlm.compiler.ast.Ast;
import dlm.compiler.check.Show;
import dlm.compiler.check.Signature;
import dlm.compiler.check.Value;
import dlm.compiler.check.Value.*;
import dlm.compiler.diag.SourceFile;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** How values, functions and their doc comments are shown in hovers and completions. */
final class Describe {
    private Describe() {}

    /** The type of a value: {@code f32[batch, 512]}, {@code Int = 512}, a function's signature. */
    static String type(Value v) {
        return switch (v) {
            case TensorV t -> t.node().type().toString();
            case NumberV n -> (n.isInt() ? "Int" : n.explicitType() != null ? n.explicitType().dlmName() : "Float") + " = " + Show.value(n);
            case BoolV b -> "Bool = " + b.value();
            case StringV s -> "String = \"" + s.value() + "\"";
            case DimV d -> "dimension " + d.dim();
            case ShapeV s -> "shape " + s.shape().tuple();
            case DTypeV d -> "dtype " + d.dtype().dlmName();
            case ListV l -> "[" + l.items().stream().limit(8).map(Describe::type).collect(Collectors.joining(", "))
                    + (l.items().size() > 8 ? ", … (" + l.items().size() + " items)" : "") + "]";
            case FunV f -> signature(f);
            case InitV i -> "initializer " + Show.value(i);
            case ModelV m -> "model " + m.decl().name();
            default -> v.describe();
        };
    }

    /** A function's signature as declared ({@code fun dense(x: f32[n, i], units: Int, …): f32[n, units]}). */
    static String signature(FunV f) {
        return switch (f) {
            case UserFun u -> declarationHead(u.decl());
            case BuiltinFun b -> b.impl().signature().display() + "  (built in)";
            case LambdaFun l -> "lambda { " + l.lambda().params().stream().map(p -> Positions.text(p.span())).collect(Collectors.joining(", ")) + " -> … }";
        };
    }

    /** The text of a declaration up to its body, on one line. */
    static String declarationHead(Ast.FunDecl d) {
        var head = new dlm.compiler.diag.SourceSpan(d.span().file(), d.span().line(), d.span().column(), d.body().span().line(), d.body().span().column());
        String s = Positions.text(head).replaceAll("\\s+", " ").strip();
        if (s.endsWith("=")) s = s.substring(0, s.length() - 1).strip();
        return s;
    }

    /** The parameter names of a function (its signature's, for builtins), for named-argument completion. */
    static List<String> parameterNames(FunV f) {
        List<String> names = new ArrayList<>();
        switch (f) {
            case UserFun u -> u.decl().params().forEach(p -> names.add(p.name()));
            case BuiltinFun b -> b.impl().signature().params().stream().map(Signature.Param::name)
                    .filter(n -> !n.equals(Signature.Param.KWARGS)).forEach(names::add);
            case LambdaFun l -> l.lambda().params().forEach(p -> names.add(p.name()));
        }
        return names;
    }

    /**
     * The doc comment just above line {@code line} of {@code file}: a {@code /** … *}{@code /}
     * block or a run of {@code //} lines, without its comment marks; empty when there is none.
     */
    static String docAbove(SourceFile file, int line) {
        List<String> out = new ArrayList<>();
        int l = line - 1;
        String above = file.line(l).strip();
        if (above.endsWith("*/")) {
            for (; l >= 1; l--) {
                String s = file.line(l).strip();
                boolean first = s.startsWith("/*");
                s = s.replaceFirst("^/\\*\\*?", "").replaceFirst("\\*/$", "").replaceFirst("^\\*", "").strip();
                out.addFirst(s);
                if (first) break;
            }
        } else {
            for (; l >= 1 && file.line(l).strip().startsWith("//"); l--) out.addFirst(file.line(l).strip().replaceFirst("^//+", "").strip());
        }
        while (!out.isEmpty() && out.getFirst().isEmpty()) out.removeFirst();
        while (!out.isEmpty() && out.getLast().isEmpty()) out.removeLast();
        return String.join("\n", out);
    }

    /** The doc comment of a function, or empty. */
    static String doc(FunV f) {
        if (f instanceof UserFun u) return docAbove(u.decl().span().file(), u.decl().span().line());
        return "";
    }
}
