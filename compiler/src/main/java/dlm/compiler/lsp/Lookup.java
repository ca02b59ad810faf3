package dlm.compiler.lsp;

import dlm.compiler.ast.Ast;
import dlm.compiler.check.Value;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/** Finding facts and AST nodes at a position of an analysed text (1-based line and column). */
final class Lookup {
    private Lookup() {}

    /**
     * The facts of the innermost place holding the position: a declared name when the position
     * is on one, else the smallest expression; all facts of that same span (one per inlined call).
     */
    static List<Fact> at(Analysis a, int line, int column) {
        Fact best = null;
        for (Fact f : a.facts) {
            if (!f.contains(line, column)) continue;
            if (best == null || better(f, best)) best = f;
        }
        if (best == null) return List.of();
        List<Fact> same = new ArrayList<>();
        for (Fact f : a.facts) if (f.isDeclaration() == best.isDeclaration() && f.span().equals(best.span())) same.add(f);
        return same;
    }

    private static boolean better(Fact f, Fact than) {
        if (f.isDeclaration() != than.isDeclaration()) return f.isDeclaration();
        return Positions.size(f.span()) < Positions.size(than.span());
    }

    /**
     * The declaration a name use refers to: a declared fact of the same name and the same value,
     * the nearest one before the use (a name may be declared again in another model or function).
     */
    static Fact declarationOf(Analysis a, Fact use, String name) {
        Fact before = null, after = null;
        for (Fact f : a.facts) {
            if (!f.isDeclaration() || !f.name().equals(name) || !Objects.equals(f.value(), use.value())) continue;
            if (BY_POSITION.compare(f, use) <= 0) { if (before == null || BY_POSITION.compare(f, before) > 0) before = f; }
            else if (after == null || BY_POSITION.compare(f, after) < 0) after = f;
        }
        return before != null ? before : after;
    }

    /** The name an expression uses ({@code x}, {@code ::relu}), or null. */
    static String usedName(Ast.Expr e) {
        return switch (e) {
            case Ast.Name n -> n.id();
            case Ast.FunRef r -> r.name();
            case null, default -> null;
        };
    }

    /** The member name ({@code x.reshape}: reshape) or train block model name under the position, looked up in the file's scope. */
    static Named nameInSyntax(Analysis a, int line, int column) {
        if (a.ast == null) return null;
        Named[] found = {null};
        for (Ast.Decl d : a.ast.decls()) {
            if (!Positions.contains(d.span(), line, column)) continue;
            if (d instanceof Ast.TrainDecl t && Positions.contains(t.modelSpan(), line, column)) {
                Value v = lookup(a, t.model());
                return v == null ? null : new Named(t.model(), t.modelSpan(), v);
            }
            visit(d, node -> {
                if (node instanceof Ast.Member m && Positions.contains(m.nameSpan(), line, column))
                    found[0] = new Named(m.name(), m.nameSpan(), lookup(a, m.name()));
            });
        }
        return found[0] != null && found[0].value() != null ? found[0] : null;
    }

    record Named(String name, dlm.compiler.diag.SourceSpan span, Value value) {}

    static Value lookup(Analysis a, String name) { return a.program == null ? null : a.program.scope().lookup(name); }

    /** Calls {@code f} on every located node under {@code root}, with an explicit stack (programs may be long). */
    static void visit(Ast.Located root, java.util.function.Consumer<Ast.Located> f) {
        java.util.ArrayList<Ast.Located> stack = new java.util.ArrayList<>();
        stack.add(root);
        while (!stack.isEmpty()) {
            Ast.Located n = stack.removeLast();
            if (n == null) continue; // absent parts: a slice's bounds, a val's type, a param's initializer
            f.accept(n);
            switch (n) {
                case Ast.FunDecl d -> { stack.addAll(d.params()); stack.add(d.body()); }
                case Ast.ModelDecl d -> { stack.addAll(d.params()); stack.add(d.body()); }
                case Ast.TrainDecl d -> stack.addAll(d.settings());
                case Ast.TopLevelStmt s -> stack.add(s.stmt());
                case Ast.ParamDecl p -> stack.add(p.defaultValue());
                case Ast.Setting s -> stack.add(s.value());
                case Ast.Block b -> stack.addAll(b.stmts());
                case Ast.ValStmt v -> stack.add(v.value());
                case Ast.ParamStmt p -> stack.add(p.init());
                case Ast.ReturnStmt r -> stack.add(r.value());
                case Ast.AssignStmt s -> stack.add(s.value());
                case Ast.ExprStmt s -> stack.add(s.expr());
                case Ast.Lambda l -> { stack.addAll(l.params()); stack.addAll(l.body()); }
                case Ast.Unary u -> stack.add(u.operand());
                case Ast.Binary b -> { stack.add(b.left()); stack.add(b.right()); }
                case Ast.Call c -> { stack.add(c.callee()); stack.addAll(c.args()); }
                case Ast.Member m -> stack.add(m.target());
                case Ast.Index ix -> { stack.add(ix.target()); stack.addAll(ix.items()); }
                case Ast.ListLit l -> stack.addAll(l.items());
                case Ast.Arg arg -> stack.add(arg.value());
                case Ast.IndexAt at -> stack.add(at.index());
                case Ast.IndexSlice s -> { stack.add(s.start()); stack.add(s.stop()); stack.add(s.step()); }
                default -> { }
            }
        }
    }

    static final Comparator<Fact> BY_POSITION = Comparator.comparingInt((Fact f) -> f.span().line()).thenComparingInt(f -> f.span().column());
}
