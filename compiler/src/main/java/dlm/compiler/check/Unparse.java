package dlm.compiler.check;

import dlm.compiler.ast.Ast;
import java.util.stream.Collectors;

/** Prints small expressions back as DLM source, for messages ({@code f32[n, 28 * 28]}). */
final class Unparse {
    private Unparse() {}

    static String expr(Ast.Expr e) {
        return switch (e) {
            case Ast.IntLit i -> i.text();
            case Ast.FloatLit f -> f.text();
            case Ast.BoolLit b -> Boolean.toString(b.value());
            case Ast.StringLit s -> '"' + s.value() + '"';
            case Ast.Name n -> n.id();
            case Ast.FunRef r -> "::" + r.name();
            case Ast.Unary u -> u.op() + expr(u.operand());
            case Ast.Binary b -> expr(b.left()) + " " + b.op() + " " + expr(b.right());
            case Ast.Member m -> expr(m.target()) + "." + m.name();
            case Ast.Call c -> expr(c.callee()) + "(" + c.args().stream().map(a -> (a.name() != null ? a.name() + " = " : "") + expr(a.value())).collect(Collectors.joining(", ")) + ")";
            case Ast.ListLit l -> l.items().stream().map(Unparse::expr).collect(Collectors.joining(", ", "[", "]"));
            case Ast.Index ix -> expr(ix.target()) + "[…]";
            case Ast.Lambda l -> "{ … }";
        };
    }
}
