package dlm.compiler.check;

import dlm.compiler.ast.Ast;
import dlm.compiler.ir.Graph;

/** A model after checking: its declaration and its forward graph (outputs {@code output} and/or {@code loss}). */
public record CheckedModel(Ast.ModelDecl decl, Graph graph) {
    public String name() { return decl.name(); }
}
