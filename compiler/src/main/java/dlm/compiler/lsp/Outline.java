package dlm.compiler.lsp;

import dlm.compiler.ast.Ast;
import dlm.compiler.check.CheckedModel;
import dlm.compiler.diag.SourceSpan;
import dlm.compiler.ir.Node;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.eclipse.lsp4j.CodeLens;
import org.eclipse.lsp4j.Command;
import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.SymbolKind;

/** Document symbols (models, functions, train blocks, with inputs, params and vals) and the param-count code lens. */
final class Outline {
    private Outline() {}

    static List<DocumentSymbol> symbols(Document doc) {
        for (Document.Source src : doc.sources()) {
            Analysis a = src.analysis();
            if (a.ast == null) continue;
            List<DocumentSymbol> out = new ArrayList<>();
            for (Ast.Decl d : a.ast.decls()) {
                DocumentSymbol s = switch (d) {
                    case Ast.ModelDecl m -> symbol(src, m.name(), SymbolKind.Class, "model", m.span(), m.nameSpan(), members(src, m.params(), m.body()));
                    case Ast.FunDecl f -> symbol(src, f.name(), SymbolKind.Function, Describe.declarationHead(f), f.span(), f.nameSpan(), members(src, f.params(), f.body()));
                    case Ast.TrainDecl t -> symbol(src, "train(" + t.model() + ")", SymbolKind.Event, "train block", t.span(), t.modelSpan(), List.of());
                    case Ast.TopLevelStmt ts when ts.stmt() instanceof Ast.ValStmt v -> symbol(src, v.name(), SymbolKind.Variable, type(src, v.nameSpan()), v.span(), v.nameSpan(), List.of());
                    default -> null;
                };
                if (s != null) out.add(s);
            }
            return out;
        }
        return List.of();
    }

    private static List<DocumentSymbol> members(Document.Source src, List<Ast.ParamDecl> params, Ast.Block body) {
        List<DocumentSymbol> out = new ArrayList<>();
        for (Ast.ParamDecl p : params) add(out, symbol(src, p.name(), SymbolKind.Field, Positions.text(p.span()), p.span(), p.span(), List.of()));
        for (Ast.Stmt st : body.stmts()) {
            switch (st) {
                case Ast.ParamStmt p -> add(out, symbol(src, p.name(), SymbolKind.Property, (p.trainable() ? "param " : "state ") + Positions.text(p.type().span()),
                        p.span(), p.nameSpan(), List.of()));
                case Ast.ValStmt v -> add(out, symbol(src, v.name(), SymbolKind.Variable, type(src, v.nameSpan()), v.span(), v.nameSpan(), List.of()));
                default -> { }
            }
        }
        return out;
    }

    private static void add(List<DocumentSymbol> out, DocumentSymbol s) { if (s != null) out.add(s); }

    /** The types a declared name had ({@code f32[batch, 512]}), or empty when it was not elaborated. */
    private static String type(Document.Source src, SourceSpan nameSpan) {
        Set<String> types = new java.util.LinkedHashSet<>();
        for (Fact f : src.analysis().facts) if (f.isDeclaration() && f.span().equals(nameSpan)) types.add(Describe.type(f.value()));
        return String.join(" | ", types);
    }

    private static DocumentSymbol symbol(Document.Source src, String name, SymbolKind kind, String detail, SourceSpan span, SourceSpan nameSpan,
                                         List<DocumentSymbol> children) {
        Range r = src.range(span), sel = src.range(nameSpan);
        if (r == null || sel == null || name.isEmpty()) return null;
        DocumentSymbol s = new DocumentSymbol(name, kind, r, sel, detail);
        s.setChildren(children);
        return s;
    }

    /** A lens above each checked model: its param count. */
    static List<CodeLens> lenses(Document doc) {
        List<CodeLens> out = new ArrayList<>();
        Set<String> done = new HashSet<>();
        for (Document.Source src : doc.sources()) {
            if (src.analysis().program == null) continue;
            for (CheckedModel m : src.analysis().program.models().values()) {
                if (done.contains(m.name())) continue;
                Range r = src.range(m.decl().nameSpan());
                if (r == null) continue;
                done.add(m.name());
                out.add(new CodeLens(r, new Command(paramCount(m), ""), null));
            }
        }
        return out;
    }

    /** {@code 407,050 params} (with the non-trainable ones, the states, counted apart). */
    static String paramCount(CheckedModel m) {
        long total = 0, frozen = 0;
        for (Node p : m.graph().params()) {
            long n = p.type().shape().numel().coefficient();
            total += n;
            if (!p.attrs().getBool("trainable", true)) frozen += n;
        }
        String s = String.format(Locale.ROOT, "%,d param%s", total, total == 1 ? "" : "s");
        return frozen == 0 ? s : s + String.format(Locale.ROOT, " (%,d trainable, %,d non-trainable)", total - frozen, frozen);
    }
}
