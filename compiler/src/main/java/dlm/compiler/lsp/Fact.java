package dlm.compiler.lsp;

import dlm.compiler.ast.Ast;
import dlm.compiler.check.Value;
import dlm.compiler.diag.SourceSpan;

/**
 * What the checker found at one place of the edited file: the value of an expression
 * ({@code name} null, {@code expr} set) or of a declared name ({@code name} set: a val, param,
 * model input, function or lambda parameter). A function's body is inlined at each call, so
 * one place may have several facts.
 */
record Fact(SourceSpan span, String name, Value value, Ast.Expr expr) {
    boolean isDeclaration() { return name != null; }

    /** Whether the 1-based {@code line}/{@code column} lies in the span (its end included: a cursor just after a word). */
    boolean contains(int line, int column) { return Positions.contains(span, line, column); }
}
