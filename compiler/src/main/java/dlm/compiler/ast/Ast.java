package dlm.compiler.ast;

import dlm.compiler.diag.SourceFile;
import dlm.compiler.diag.SourceSpan;
import java.util.List;

/**
 * The abstract syntax tree of a .dlm file: immutable records, each with the source span it was
 * parsed from. Built from the ANTLR parse tree by {@code AstBuilder}; consumed by the checker.
 * The grammar lives only in {@code grammar/src/main/antlr4/dlm/grammar/Dlm.g4}.
 */
public final class Ast {
    private Ast() {}

    /** Anything with a source location. */
    public sealed interface Located permits Program, Import, Decl, ParamDecl, Setting, TypeRef, Stmt, Expr, Arg, IndexItem, Block {
        SourceSpan span();
    }

    // ---- file and declarations -----------------------------------------------------------------

    /** A whole file: its imports, then its declarations and top-level statements in source order. */
    public record Program(SourceFile file, List<Import> imports, List<Decl> decls, SourceSpan span) implements Located {}

    /** {@code import std.nn.*} → path [std, nn], wildcard; {@code import std.nn.dense} → path [std, nn, dense]. */
    public record Import(List<String> path, boolean wildcard, SourceSpan span) implements Located {}

    /** Top-level items, in source order. */
    public sealed interface Decl extends Located permits FunDecl, ModelDecl, TrainDecl, TopLevelStmt {}

    /**
     * {@code fun name(params): Ret { body }} or {@code fun name(params) = expr} (then {@code body} is a
     * block holding one {@link ReturnStmt}). {@code returnType} may be null.
     */
    public record FunDecl(String name, List<ParamDecl> params, TypeRef returnType, Block body, SourceSpan nameSpan, SourceSpan span) implements Decl {}

    /** {@code model Name(inputs) { body }}. */
    public record ModelDecl(String name, List<ParamDecl> params, Block body, SourceSpan nameSpan, SourceSpan span) implements Decl {}

    /** {@code train(Model) { key = value ... }}. */
    public record TrainDecl(String model, SourceSpan modelSpan, List<Setting> settings, SourceSpan span) implements Decl {}

    /** A statement at the top level of the file (a script line: {@code val}, {@code println(...)}). */
    public record TopLevelStmt(Stmt stmt, SourceSpan span) implements Decl {}

    /** A function/model/lambda parameter: {@code name: type = default}; type and default may be null. */
    public record ParamDecl(String name, TypeRef type, Expr defaultValue, SourceSpan span) implements Located {}

    /** {@code key = value} inside a train block. */
    public record Setting(String key, Expr value, SourceSpan keySpan, SourceSpan span) implements Located {}

    // ---- types ---------------------------------------------------------------------------------

    public sealed interface TypeRef extends Located permits TensorTypeRef, FunctionTypeRef, NamedTypeRef {}

    /**
     * {@code f32[batch, 784]}; {@code dims} is null for a bare dtype ({@code f32}, a scalar).
     * Dims are expressions: integer literals, symbolic names, Int parameters, {@code 28 * 28}.
     */
    public record TensorTypeRef(String dtype, List<Expr> dims, SourceSpan span) implements TypeRef {}

    /** {@code (f32) -> f32}. */
    public record FunctionTypeRef(List<TypeRef> params, TypeRef result, SourceSpan span) implements TypeRef {}

    /** {@code Int}, {@code Float}, {@code Bool}, {@code String}, or any other identifier used as a type. */
    public record NamedTypeRef(String name, SourceSpan span) implements TypeRef {}

    // ---- statements ----------------------------------------------------------------------------

    public record Block(List<Stmt> stmts, SourceSpan span) implements Located {}

    public sealed interface Stmt extends Located permits ValStmt, ParamStmt, ReturnStmt, AssignStmt, ExprStmt {}

    /** {@code val name: type = value}; type may be null. */
    public record ValStmt(String name, TypeRef type, Expr value, SourceSpan nameSpan, SourceSpan span) implements Stmt {}

    /** {@code param name: type = initializer}; init may be null (then zeros). */
    /**
     * {@code param NAME: TYPE = init}, or {@code state NAME: …} for a non-trainable weight (no
     * gradient, no optimizer; the train step changes it only through {@code assign}).
     */
    public record ParamStmt(String name, TypeRef type, Expr init, SourceSpan nameSpan, SourceSpan span, boolean trainable) implements Stmt {}

    public record ReturnStmt(Expr value, SourceSpan span) implements Stmt {}

    /** {@code target = value}, e.g. {@code loss = abs(yTrue - x2)} in a model. */
    public record AssignStmt(String target, Expr value, SourceSpan targetSpan, SourceSpan span) implements Stmt {}

    public record ExprStmt(Expr expr, SourceSpan span) implements Stmt {}

    // ---- expressions ---------------------------------------------------------------------------

    public sealed interface Expr extends Located
            permits IntLit, FloatLit, BoolLit, StringLit, Name, FunRef, Lambda, Unary, Binary, Call, Member, Index, ListLit {}

    /** {@code 42}; text is the literal as written. */
    public record IntLit(long value, String text, SourceSpan span) implements Expr {}

    /** {@code 1.5}, {@code 1e-3}, {@code 255f} (f32Suffix true when written with f/F). */
    public record FloatLit(double value, boolean f32Suffix, String text, SourceSpan span) implements Expr {}

    public record BoolLit(boolean value, SourceSpan span) implements Expr {}

    /** A string literal, value unescaped. */
    public record StringLit(String value, SourceSpan span) implements Expr {}

    public record Name(String id, SourceSpan span) implements Expr {}

    /** {@code ::relu}. */
    public record FunRef(String name, SourceSpan span) implements Expr {}

    /**
     * {@code { x -> relu(x) }} or {@code { it * 2 }} (no params: the implicit {@code it}).
     * The value is the last statement's expression.
     */
    public record Lambda(List<ParamDecl> params, List<Stmt> body, SourceSpan span) implements Expr {}

    /** op is one of {@code - + !}. */
    public record Unary(String op, Expr operand, SourceSpan span) implements Expr {}

    /** op is one of {@code * / % @ + - < > <= >= == != && ||}; opSpan locates the operator. */
    public record Binary(String op, Expr left, Expr right, SourceSpan opSpan, SourceSpan span) implements Expr {}

    /** {@code callee(args)}; a method call {@code x.f(a)} is a Call whose callee is a {@link Member}. */
    public record Call(Expr callee, List<Arg> args, SourceSpan span) implements Expr {}

    /** {@code target.name} (a property such as {@code x.shape}, or the callee of a method call). */
    public record Member(Expr target, String name, SourceSpan nameSpan, SourceSpan span) implements Expr {}

    /** {@code target[items]}. */
    public record Index(Expr target, List<IndexItem> items, SourceSpan span) implements Expr {}

    /** {@code [a, b, c]}: a list literal (nested numeric lists are tensor literals). */
    public record ListLit(List<Expr> items, SourceSpan span) implements Expr {}

    /** A call argument, positional (name null) or named ({@code units = 512}). */
    public record Arg(String name, Expr value, SourceSpan span) implements Located {}

    // ---- indexing ------------------------------------------------------------------------------

    public sealed interface IndexItem extends Located permits IndexAt, IndexSlice {}

    /** {@code x[4]}: selects one position and drops the axis. */
    public record IndexAt(Expr index, SourceSpan span) implements IndexItem {}

    /** {@code x[a:b:c]}, each part nullable ({@code x[:]}, {@code x[14:]}, {@code x[::2]}). */
    public record IndexSlice(Expr start, Expr stop, Expr step, SourceSpan span) implements IndexItem {}
}
