package dlm.compiler.lsp;

import dlm.compiler.check.CheckedModel;
import dlm.compiler.check.Value;
import dlm.compiler.check.Value.*;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.MarkupContent;
import org.eclipse.lsp4j.MarkupKind;
import org.eclipse.lsp4j.Range;

/**
 * Hovers: a name or expression with its type and shape ({@code hidden: f32[batch, 512]}), one
 * line per distinct type when a function body is inlined at calls of different shapes; a
 * function with its signature and doc comment; a model with its inputs and param count.
 */
final class Hovers {
    private Hovers() {}

    static Hover hover(Document doc, int line, int column) {
        for (Document.Source src : doc.sources()) {
            int l = src.line(line);
            if (l < 0) continue;
            Analysis a = src.analysis();
            List<Fact> facts = Lookup.at(a, l, column);
            if (!facts.isEmpty()) {
                Fact f = facts.getFirst();
                Range r = src.range(f.span());
                if (r == null) continue;
                String label = f.isDeclaration() ? f.name() : label(f);
                return new Hover(markdown(content(a, label, facts.stream().map(Fact::value).toList())), r);
            }
            Lookup.Named n = Lookup.nameInSyntax(a, l, column);
            if (n != null) {
                Range r = src.range(n.span());
                if (r != null) return new Hover(markdown(content(a, n.name(), List.of(n.value()))), r);
            }
        }
        return null;
    }

    private static String label(Fact f) {
        String t = Positions.text(f.span()).replaceAll("\\s+", " ").strip();
        return t.length() > 60 ? t.substring(0, 57) + "…" : t;
    }

    private static String content(Analysis a, String label, List<Value> values) {
        Value v = values.getFirst();
        if (v instanceof FunV fn) {
            String sig = Describe.signature(fn);
            String doc = Describe.doc(fn);
            String head = fn instanceof LambdaFun || fn.name().equals(label.replaceFirst("^::", "")) ? sig : label + ": " + sig;
            return code(head) + (doc.isEmpty() ? "" : "\n\n" + doc);
        }
        if (v instanceof ModelV m) {
            StringBuilder sb = new StringBuilder(code("model " + m.decl().name() + "(" + m.decl().params().stream()
                    .map(p -> Positions.text(p.span())).reduce((x, y) -> x + ", " + y).orElse("") + ")"));
            CheckedModel cm = a.program == null ? null : a.program.models().get(m.decl().name());
            if (cm != null) sb.append("\n\n").append(Outline.paramCount(cm));
            return sb.toString();
        }
        Set<String> lines = new LinkedHashSet<>();
        for (Value x : values) lines.add(label + ": " + Describe.type(x));
        String body = code(String.join("\n", lines));
        return lines.size() > 1 ? body + "\n\n(one line per call of the enclosing function)" : body;
    }

    private static String code(String s) { return "```dlm\n" + s + "\n```"; }

    private static MarkupContent markdown(String s) { return new MarkupContent(MarkupKind.MARKDOWN, s); }
}
