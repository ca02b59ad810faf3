package dlm.compiler.check;

import dlm.compiler.ast.Ast;
import dlm.compiler.check.Value.*;
import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceSpan;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Type annotations: checking a value against a declared type, and unifying the dims of tensor
 * types. A dim name not yet bound in the function's scope is a pattern variable: the first
 * argument that mentions it binds it to its actual dim (which may itself be symbolic, like
 * {@code batch}), and later mentions must agree. That is how {@code fun dense(x: f32[n, i], …)}
 * learns {@code n = batch} and {@code i = 784} at each call.
 */
final class Types {
    private Types() {}

    static DType dtype(Ast.TensorTypeRef t) {
        DType d = DType.fromDlmName(t.dtype());
        if (d == null) throw new DlmException(t.span(), "unknown dtype '" + t.dtype() + "'; dtypes are f16, f32, f64, i32, i64, u8 and bool");
        return d;
    }

    /** A type whose dims are all bound (param declarations); unbound names are errors. */
    static TensorType resolveStatic(Elaborator el, Ast.TensorTypeRef t, Scope scope) {
        return resolve(el, t, scope, false);
    }

    /** A model input's type: unbound dim names become symbolic dims, defined in {@code scope}. */
    static TensorType resolveInput(Elaborator el, Ast.TensorTypeRef t, Scope scope) {
        return resolve(el, t, scope, true);
    }

    private static TensorType resolve(Elaborator el, Ast.TensorTypeRef t, Scope scope, boolean symbolic) {
        DType d = dtype(t);
        List<Dim> dims = new ArrayList<>();
        if (t.dims() != null) {
            for (Ast.Expr e : t.dims()) {
                if (symbolic && e instanceof Ast.Name n && scope.lookup(n.id()) == null) {
                    Dim s = Dim.sym(n.id());
                    scope.define(n.id(), new DimV(s));
                    dims.add(s);
                } else {
                    dims.add(Elaborator.dimValue(el.eval(e, scope, new Elaborator.Frame("", "lambda")), e.span(), "a dimension"));
                }
            }
        }
        return new TensorType(d, new Shape(dims));
    }

    /**
     * Checks {@code v} against {@code type}; returns the value to use (numbers become tensors of a
     * tensor type). With {@code bind}, unbound dim names are bound in {@code scope}.
     */
    static Value conform(Elaborator el, Value v, Ast.TypeRef type, Scope scope, String what, SourceSpan at, boolean bind) {
        switch (type) {
            case Ast.TensorTypeRef tt -> {
                DType want = dtype(tt);
                Node n;
                if (v instanceof NumberV num) {
                    if (tt.dims() != null && !tt.dims().isEmpty())
                        throw new DlmException(at, what + " expects " + show(tt) + ", got a number");
                    n = el.constant(Tensor.scalar(want, num.value()), at);
                    return new TensorV(n);
                }
                if (!(v instanceof TensorV tv)) throw new DlmException(at, what + " expects " + show(tt) + ", got " + v.describe());
                n = tv.node();
                Node lit = want == DType.BOOL ? null : el.literalAs(n, want, at);
                if (lit != null && lit != n) { n = lit; v = new TensorV(lit); }
                if (n.type().dtype() != want)
                    throw new DlmException(at, "dtype mismatch: " + what + " expects " + show(tt) + ", got " + n.type());
                if (tt.dims() == null) {
                    if (n.type().rank() != 0) throw new DlmException(at, what + " expects a scalar " + want + ", got " + n.type());
                    return v;
                }
                if (tt.dims().size() != n.type().rank())
                    throw new DlmException(at, "rank mismatch: " + what + " expects " + show(tt) + " (rank " + tt.dims().size() + "), got " + n.type() + " (rank " + n.type().rank() + ")");
                for (int a = 0; a < tt.dims().size(); a++) {
                    Ast.Expr e = tt.dims().get(a);
                    Dim actual = n.type().shape().dim(a);
                    if (bind && e instanceof Ast.Name name && scope.lookup(name.id()) == null) {
                        scope.define(name.id(), actual.isKnown() ? new NumberV(actual.coefficient(), true, null) : new DimV(actual));
                        continue;
                    }
                    Dim expected = Elaborator.dimValue(el.eval(e, scope, new Elaborator.Frame("", "lambda")), e.span(), "a dimension");
                    if (!expected.equals(actual))
                        throw new DlmException(at, "shape mismatch: " + what + " expects " + show(tt) + ", got " + n.type() + ": axis " + a + " is " + expected + " vs " + actual);
                }
                return v;
            }
            case Ast.FunctionTypeRef ft -> {
                if (!(v instanceof FunV)) throw new DlmException(at, what + " expects a function, got " + v.describe());
                return v;
            }
            case Ast.NamedTypeRef nt -> {
                boolean ok = switch (nt.name()) {
                    case "Int" -> (v instanceof NumberV n && n.isInt()) || v instanceof DimV;
                    case "Float", "Double", "Number" -> v instanceof NumberV;
                    case "Bool", "Boolean" -> v instanceof BoolV;
                    case "String" -> v instanceof StringV;
                    case "Tensor" -> v instanceof TensorV || v instanceof NumberV;
                    case "Initializer" -> v instanceof InitV || v instanceof NumberV;
                    case "Shape" -> v instanceof ShapeV;
                    case "DType" -> v instanceof DTypeV;
                    case "Any" -> true;
                    default -> throw new DlmException(nt.span(), "unknown type '" + nt.name() + "'");
                };
                if (!ok) throw new DlmException(at, what + " expects " + article(nt.name()) + ", got " + v.describe());
                if (nt.name().equals("Tensor") && v instanceof NumberV) return new TensorV(el.tensor(v, at));
                if (nt.name().equals("Initializer") && v instanceof NumberV n) return new InitV("constant", Map.of("value", n.value()));
                if (nt.name().matches("Float|Double") && v instanceof NumberV n && n.isInt()) return new NumberV(n.value(), false, n.explicitType());
                return v;
            }
        }
    }

    private static String article(String t) {
        return ("AEIOU".indexOf(t.charAt(0)) >= 0 ? "an " : "a ") + t;
    }

    /** The declared type as written ({@code f32[n, i]}). */
    static String show(Ast.TensorTypeRef t) {
        if (t.dims() == null) return t.dtype();
        List<String> parts = new ArrayList<>();
        for (Ast.Expr e : t.dims()) parts.add(Unparse.expr(e));
        return t.dtype() + "[" + String.join(", ", parts) + "]";
    }
}
