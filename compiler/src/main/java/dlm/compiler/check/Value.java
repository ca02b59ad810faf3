package dlm.compiler.check;

import dlm.compiler.ast.Ast;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.runtime.DType;
import java.util.List;
import java.util.Map;

/**
 * What an expression denotes while the checker elaborates a program. DLM is staged: shapes,
 * Ints, functions and initializers are known at compile time and computed by the checker;
 * only tensors become graph nodes. Functions are inlined at each call site, which is what gives
 * every call of a param-declaring function fresh, readably named params.
 */
public sealed interface Value {

    /** A short description for error messages ("a function", "an Int", "f32[3, 4]"). */
    String describe();

    /** A tensor in the graph. */
    record TensorV(Node node) implements Value {
        public String describe() { return node.type().toString(); }
    }

    /**
     * A number written in the source or computed from literals at compile time. Numbers are
     * weakly typed, as in JAX and NumPy 2: combined with a tensor they take the tensor's dtype.
     * {@code explicitType} is the dtype a suffix asked for ({@code 255f} → f32), or null.
     */
    record NumberV(double value, boolean isInt, DType explicitType) implements Value {
        public String describe() { return isInt ? "an Int" : "a Float"; }

        public long asLong() { return (long) value; }

        /** The dtype this number takes when it stands alone (i32 / f32, or its suffix's). */
        public DType defaultDType() { return explicitType != null ? explicitType : isInt ? DType.I32 : DType.F32; }
    }

    record BoolV(boolean value) implements Value {
        public String describe() { return "a Bool"; }
    }

    record StringV(String value) implements Value {
        public String describe() { return "a String"; }
    }

    /** A symbolic dimension used as a value ({@code batch} inside the model that declares it). */
    record DimV(Dim dim) implements Value {
        public String describe() { return "the dimension " + dim; }
    }

    /** {@code x.shape}: a tuple of dims. */
    record ShapeV(Shape shape) implements Value {
        public String describe() { return "a shape"; }
    }

    record DTypeV(DType dtype) implements Value {
        public String describe() { return "a dtype"; }
    }

    record ListV(List<Value> items) implements Value {
        public String describe() { return "a list"; }
    }

    /** A function: user {@code fun}, lambda, or builtin. */
    sealed interface FunV extends Value permits UserFun, LambdaFun, BuiltinFun {
        String name();

        default String describe() { return "the function " + name(); }
    }

    /** A {@code fun} declaration together with the scope it was declared in (its module). */
    record UserFun(Ast.FunDecl decl, Scope scope) implements FunV {
        public String name() { return decl.name(); }
    }

    record LambdaFun(Ast.Lambda lambda, Scope scope) implements FunV {
        public String name() { return "lambda"; }
    }

    /** A function implemented by the compiler (ops, casts, constructors, println, initializers). */
    record BuiltinFun(Builtins.Builtin impl) implements FunV {
        public String name() { return impl.name(); }
    }

    /** An initializer for a param: {@code uniform(-0.05, 0.05)}, {@code glorotUniform()}. */
    record InitV(String name, Map<String, Double> args) implements Value {
        public String describe() { return "the initializer " + name + "()"; }

        @Override
        public String toString() { return Show.value(this); }
    }

    /** A declared model. */
    record ModelV(Ast.ModelDecl decl) implements Value {
        public String describe() { return "the model " + decl.name(); }
    }

    /**
     * A configuration object for the train block: a dataset ({@code mnist()}) or an optimizer
     * ({@code adam(learningRate = 1e-3)}), with its arguments after defaults are applied.
     */
    record ConfigV(String kind, String name, Map<String, Object> args) implements Value {
        public String describe() { return "the " + kind + " " + name + "()"; }
    }

    /** A parameter default not yet evaluated: user functions evaluate defaults at each call, in their own scope. */
    record DefaultV(Ast.Expr expr) implements Value {
        public String describe() { return "a default value"; }
    }

    /**
     * A prelude name whose value is a run-time leaf of the graph being built ({@code training}):
     * looking it up gives that leaf ({@link RuntimeInputs}).
     */
    record RuntimeV(String name) implements Value {
        public String describe() { return "the run-time value " + name; }
    }

    /** The result of a statement-like call such as println. */
    record UnitV() implements Value {
        public String describe() { return "Unit"; }
    }
}
