package dlm.compiler.parse;

import static org.junit.jupiter.api.Assertions.*;

import dlm.compiler.ast.Ast.*;
import dlm.compiler.diag.SourceFile;
import dlm.compiler.diag.SourceSpan;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Every construct of the language parses to the expected AST, with the expected spans. */
class ParserTest {

    static final String MNIST = """
            // examples/mnist.dlm
            import std.nn.*
            import std.nn.dense

            model Mnist(images: u8[batch, 28, 28]) {
                val x = images.reshape(batch, 28 * 28).toF32() / 255f
                val hidden = dense(x, units = 512, activation = ::relu)
                return dense(hidden, units = 10, activation = ::softmax)
            }

            train(Mnist) {
                data = mnist()
                loss = ::sparseCategoricalCrossentropy
                optimizer = adam(learningRate = 1e-3)
                metrics = [::accuracy]
                epochs = 5
                batchSize = 128
            }
            """;

    static final String FROM_SCRATCH = """
            fun naiveDense(x: f32[n, i], units: Int, activation: (f32) -> f32 = ::relu): f32[n, units] {
                param W: f32[i, units] = uniform(-0.05, 0.05)
                param b: f32[units] = zeros()
                return activation(x @ W + b)
            }
            fun relu(x: f32[n]) = max(x, 0f)
            """;

    static final String FIGURE = """
            model Figure(x: f32 = 2, yTrue: f32 = 4) {
                param w: f32 = 3
                param b: f32
                val x1 = x * w
                val x2 = x1 + b
                loss = abs(yTrue - x2)
            }
            """;

    static Program parse(String src) { return Parser.parse(SourceFile.of("test.dlm", src)); }

    /** The statements of a script. */
    static List<Stmt> stmts(String src) {
        return parse(src).decls().stream().map(d -> ((TopLevelStmt) d).stmt()).toList();
    }

    /** The expression of a one-expression script. */
    static Expr expr(String src) {
        List<Stmt> stmts = stmts(src);
        assertEquals(1, stmts.size(), "statements in " + src);
        return ((ExprStmt) stmts.getFirst()).expr();
    }

    /** {@link #expr} shown as an S-expression, to check structure at a glance. */
    static String show(String src) { return show(expr(src)); }

    static String show(Expr e) {
        return switch (e) {
            case IntLit i -> i.text();
            case FloatLit f -> f.text();
            case BoolLit b -> String.valueOf(b.value());
            case StringLit s -> '"' + s.value() + '"';
            case Name n -> n.id();
            case FunRef f -> "::" + f.name();
            case Unary u -> "(" + u.op() + show(u.operand()) + ")";
            case Binary b -> "(" + b.op() + " " + show(b.left()) + " " + show(b.right()) + ")";
            case Call c -> "(call " + show(c.callee()) + c.args().stream()
                    .map(a -> " " + (a.name() == null ? "" : a.name() + "=") + show(a.value())).collect(Collectors.joining()) + ")";
            case Member m -> "(. " + show(m.target()) + " " + m.name() + ")";
            case Index ix -> "(index " + show(ix.target()) + ix.items().stream().map(i -> " " + show(i)).collect(Collectors.joining()) + ")";
            case ListLit l -> l.items().stream().map(ParserTest::show).collect(Collectors.joining(" ", "[", "]"));
            case Lambda l -> "{" + l.params().stream().map(p -> p.name() + " ").collect(Collectors.joining())
                    + (l.params().isEmpty() ? "" : "-> ")
                    + l.body().stream().map(ParserTest::show).collect(Collectors.joining("; ")) + "}";
        };
    }

    static String show(IndexItem item) {
        return switch (item) {
            case IndexAt at -> show(at.index());
            case IndexSlice s -> opt(s.start()) + ":" + opt(s.stop()) + (s.step() == null ? "" : ":" + show(s.step()));
        };
    }

    static String show(Stmt s) {
        return switch (s) {
            case ExprStmt e -> show(e.expr());
            case ValStmt v -> "val " + v.name() + " = " + show(v.value());
            case AssignStmt a -> a.target() + " = " + show(a.value());
            case ReturnStmt r -> "return " + show(r.value());
            case ParamStmt p -> "param " + p.name() + (p.init() == null ? "" : " = " + show(p.init()));
        };
    }

    private static String opt(Expr e) { return e == null ? "" : show(e); }

    static void assertSpan(SourceSpan span, int line, int col, int endLine, int endCol) {
        assertEquals(List.of(line, col, endLine, endCol),
                List.of(span.line(), span.column(), span.endLine(), span.endColumn()), "span " + span);
    }

    @Nested
    class Programs {
        @Test
        void mnist() {
            Program p = parse(MNIST);
            assertEquals("test.dlm", p.file().name());
            assertEquals(2, p.imports().size());
            assertEquals(List.of("std", "nn"), p.imports().get(0).path());
            assertTrue(p.imports().get(0).wildcard());
            assertEquals(List.of("std", "nn", "dense"), p.imports().get(1).path());
            assertFalse(p.imports().get(1).wildcard());
            assertEquals(2, p.decls().size());

            ModelDecl model = (ModelDecl) p.decls().get(0);
            assertEquals("Mnist", model.name());
            assertEquals(1, model.params().size());
            ParamDecl images = model.params().getFirst();
            assertEquals("images", images.name());
            assertNull(images.defaultValue());
            TensorTypeRef type = (TensorTypeRef) images.type();
            assertEquals("u8", type.dtype());
            assertEquals(List.of("batch", "28", "28"), type.dims().stream().map(ParserTest::show).toList());

            List<Stmt> body = model.body().stmts();
            assertEquals(3, body.size());
            assertEquals("val x = (/ (call (. (call (. images reshape) batch (* 28 28)) toF32)) 255f)", show(body.get(0)));
            assertEquals("val hidden = (call dense x units=512 activation=::relu)", show(body.get(1)));
            assertEquals("return (call dense hidden units=10 activation=::softmax)", show(body.get(2)));

            TrainDecl train = (TrainDecl) p.decls().get(1);
            assertEquals("Mnist", train.model());
            assertEquals(List.of("data = (call mnist)", "loss = ::sparseCategoricalCrossentropy",
                    "optimizer = (call adam learningRate=1e-3)", "metrics = [::accuracy]", "epochs = 5",
                    "batchSize = 128"),
                    train.settings().stream().map(s -> s.key() + " = " + show(s.value())).toList());
        }

        @Test
        void functionsFromScratch() {
            Program p = parse(FROM_SCRATCH);
            FunDecl dense = (FunDecl) p.decls().get(0);
            assertEquals("naiveDense", dense.name());
            assertEquals(List.of("x", "units", "activation"), dense.params().stream().map(ParamDecl::name).toList());
            assertEquals(List.of("n", "i"), ((TensorTypeRef) dense.params().get(0).type()).dims().stream().map(ParserTest::show).toList());
            assertEquals("Int", ((NamedTypeRef) dense.params().get(1).type()).name());
            FunctionTypeRef fn = (FunctionTypeRef) dense.params().get(2).type();
            assertEquals("f32", ((TensorTypeRef) fn.params().getFirst()).dtype());
            assertNull(((TensorTypeRef) fn.result()).dims());
            assertEquals("::relu", show(dense.params().get(2).defaultValue()));
            TensorTypeRef ret = (TensorTypeRef) dense.returnType();
            assertEquals(List.of("n", "units"), ret.dims().stream().map(ParserTest::show).toList());

            List<Stmt> body = dense.body().stmts();
            ParamStmt w = (ParamStmt) body.get(0);
            assertEquals("W", w.name());
            assertEquals(List.of("i", "units"), ((TensorTypeRef) w.type()).dims().stream().map(ParserTest::show).toList());
            assertEquals("(call uniform (-0.05) 0.05)", show(w.init()));
            assertEquals("return (call activation (+ (@ x W) b))", show(body.get(2)));

            // An expression body is a block holding one return.
            FunDecl relu = (FunDecl) p.decls().get(1);
            assertNull(relu.returnType());
            assertEquals(1, relu.body().stmts().size());
            ReturnStmt r = (ReturnStmt) relu.body().stmts().getFirst();
            assertEquals("(call max x 0f)", show(r.value()));
            assertEquals(r.value().span(), relu.body().span());
        }

        @Test
        void aStateIsANonTrainableParam() {
            ModelDecl m = (ModelDecl) parse("model M(x: f32[2]) {\n    state s: f32[2] = ones()\n    return x\n}\n").decls().getFirst();
            ParamStmt s = (ParamStmt) m.body().stmts().getFirst();
            assertEquals("s", s.name());
            assertEquals("(call ones)", show(s.init()));
            assertFalse(s.trainable());
            assertSpan(s.nameSpan(), 2, 11, 2, 12);
        }

        @Test
        void figureModelWithDefaultsAndLossAssignment() {
            ModelDecl m = (ModelDecl) parse(FIGURE).decls().getFirst();
            assertEquals(List.of("2", "4"), m.params().stream().map(p -> show(p.defaultValue())).toList());
            assertEquals(List.of("param w = 3", "param b", "val x1 = (* x w)", "val x2 = (+ x1 b)",
                    "loss = (call abs (- yTrue x2))"), m.body().stmts().stream().map(ParserTest::show).toList());
            ParamStmt b = (ParamStmt) m.body().stmts().get(1);
            assertNull(b.init());
            assertTrue(b.trainable());
            AssignStmt loss = (AssignStmt) m.body().stmts().get(4);
            assertEquals("loss", loss.target());
            assertSpan(loss.targetSpan(), 6, 5, 6, 9);
        }

        @Test
        void tensorScript() {
            List<Stmt> s = stmts("""
                    val x = [[5, 78, 2, 34, 0], [6, 79, 3, 35, 1]]
                    println(x.ndim)
                    println(x[:, 14:, 14:], x[:, 7:-7, 7:-7], x[4], x[10:100], x[::2], x[-1])
                    val f = { v -> v * 2 }
                    val g = { it + 1 }
                    val y = sequential { dense(512, ::relu); dense(10, ::softmax) }   // trailing lambda
                    val z = compute(x) { a -> a }
                    """);
            assertEquals(List.of(
                    "val x = [[5 78 2 34 0] [6 79 3 35 1]]",
                    "(call println (. x ndim))",
                    "(call println (index x : 14: 14:) (index x : 7:(-7) 7:(-7)) (index x 4) (index x 10:100) (index x ::2) (index x (-1)))",
                    "val f = {v -> (* v 2)}",
                    "val g = {(+ it 1)}",
                    "val y = (call sequential {(call dense 512 ::relu); (call dense 10 ::softmax)})",
                    "val z = (call compute x {a -> a})"), s.stream().map(ParserTest::show).toList());
        }

        @Test
        void declarationsAndStatementsMixInSourceOrder() {
            Program p = parse("import a.b\nval x = 1\nfun f() = 2\nprintln(x)\nmodel M() { }\ntrain(M) { }\n");
            assertEquals(List.of(TopLevelStmt.class, FunDecl.class, TopLevelStmt.class, ModelDecl.class, TrainDecl.class),
                    p.decls().stream().map(Object::getClass).toList());
        }

        @Test
        void emptyAndCommentOnlyFiles() {
            assertEquals(List.of(), parse("").decls());
            assertEquals(List.of(), parse("\n\n// nothing\n/* at\nall */\n").decls());
            assertEquals(List.of(), parse(";;\n;").imports());
        }
    }

    @Nested
    class Expressions {
        @Test
        void precedence() {
            assertEquals("(+ a (@ (* b c) d))", show("a + b * c @ d"));
            assertEquals("(|| a (&& b (== c (< d (+ e (* f (-g)))))))", show("a || b && c == d < e + f * -g"));
            assertEquals("(&& (!a) (!= b c))", show("!a && b != c"));
            assertEquals("(>= (- a b) (% (/ c d) e))", show("a - b >= c / d % e"));
            assertEquals("(* (+ a b) c)", show("(a + b) * c"));
            assertEquals("(<= a b)", show("a <= b"));
            assertEquals("(> a b)", show("a > b"));
        }

        @Test
        void binaryOperatorsAreLeftAssociative() {
            assertEquals("(- (- a b) c)", show("a - b - c"));
            assertEquals("(/ (/ a b) c)", show("a / b / c"));
            assertEquals("(@ (@ a b) c)", show("a @ b @ c"));
            assertEquals("(|| (|| a b) c)", show("a || b || c"));
            assertEquals("(== (== a b) c)", show("a == b == c"));
        }

        @Test
        void prefixOperatorsBindLooserThanPostfix() {
            assertEquals("(-(. x y))", show("-x.y"));
            assertEquals("(-(-(+x)))", show("- -+x"));
            assertEquals("(!(call f))", show("!f()"));
            assertEquals("(-(index x 0))", show("-x[0]"));
        }

        @Test
        void methodChains() {
            assertEquals("(call (. (call (. images reshape) batch (* 28 28)) toF32))",
                    show("images.reshape(batch, 28 * 28).toF32()"));
            assertEquals("(. (. a b) c)", show("a.b.c"));
            assertEquals("(index (call (. x f)) 0)", show("x.f()[0]"));
            assertEquals("(call (call f 1) 2)", show("f(1)(2)"));
        }

        @Test
        void namedArguments() {
            Call c = (Call) expr("dense(x, units = 512, activation = ::relu,)");
            assertEquals(List.of("-", "units", "activation"),
                    c.args().stream().map(a -> a.name() == null ? "-" : a.name()).toList());
            assertEquals("(call f a=(== b c))", show("f(a = b == c)"));
            assertEquals("(call f)", show("f()"));
        }

        @Test
        void trailingLambdas() {
            assertEquals("(call sequential {(call dense 1); (call dense 2)})", show("sequential { dense(1); dense(2) }"));
            assertEquals("(call compute x {a -> a})", show("compute(x) { a -> a }"));
            assertEquals("(call (call f a {b}) {c})", show("f(a) { b } { c }"));
            assertEquals("(call (. xs map) {(* it 2)})", show("xs.map { it * 2 }"));
            assertEquals("(call (call (. xs map) {it}) 1)", show("xs.map { it }(1)"));
            // The trailing lambda is the last positional argument.
            Call c = (Call) expr("f(units = 1) { it }");
            assertEquals("units", c.args().get(0).name());
            assertNull(c.args().get(1).name());
            assertInstanceOf(Lambda.class, c.args().get(1).value());
        }

        @Test
        void lambdas() {
            Lambda l = (Lambda) expr("{ a, b: f32 -> val c = a + b\n c * 2 }");
            assertEquals(List.of("a", "b"), l.params().stream().map(ParamDecl::name).toList());
            assertNull(l.params().get(0).type());
            assertEquals("f32", ((TensorTypeRef) l.params().get(1).type()).dtype());
            assertEquals(List.of("val c = (+ a b)", "(* c 2)"), l.body().stream().map(ParserTest::show).toList());
            assertEquals("{}", show("{ }"));
            assertEquals("{x -> }", show("{ x -> }"));
            assertEquals("{(call f); (call g)}", show("{\n  f()\n\n  g()\n}"));
        }

        @Test
        void slices() {
            assertEquals("(index x 4)", show("x[4]"));
            assertEquals("(index x :)", show("x[:]"));
            assertEquals("(index x 1:)", show("x[1:]"));
            assertEquals("(index x :2)", show("x[:2]"));
            assertEquals("(index x 1:2)", show("x[1:2]"));
            assertEquals("(index x 1:2:3)", show("x[1:2:3]"));
            assertEquals("(index x ::2)", show("x[::2]"));
            assertEquals("(index x ::2)", show("x[: :2]"));
            assertEquals("(index x 1::2)", show("x[1::2]"));
            assertEquals("(index x 1:)", show("x[1::]"));
            assertEquals("(index x :2)", show("x[:2:]"));
            assertEquals("(index x :)", show("x[::]"));
            assertEquals("(index x (-1):0:(-1))", show("x[-1:0:-1]"));
            assertEquals("(index x : 7:(-7) (+ i 1))", show("x[:, 7:-7, i + 1]"));
            IndexSlice s = (IndexSlice) ((Index) expr("x[a::b]")).items().getFirst();
            assertEquals("a", show(s.start()));
            assertNull(s.stop());
            assertEquals("b", show(s.step()));
        }

        @Test
        void literals() {
            IntLit i = (IntLit) expr("1_000");
            assertEquals(1000, i.value());
            assertEquals("1_000", i.text());
            assertEquals(42, ((IntLit) expr("42")).value());

            FloatLit f = (FloatLit) expr("255f");
            assertEquals(255.0, f.value());
            assertTrue(f.f32Suffix());
            assertEquals("255f", f.text());
            FloatLit e = (FloatLit) expr("1e-3");
            assertEquals(1e-3, e.value());
            assertFalse(e.f32Suffix());
            assertEquals(1.5, ((FloatLit) expr("1.5f")).value());
            assertTrue(((FloatLit) expr("1e-3f")).f32Suffix());
            assertTrue(((FloatLit) expr("2F")).f32Suffix());
            assertEquals(2.5e10, ((FloatLit) expr("2.5E+1_0")).value());
            assertEquals(1000.5, ((FloatLit) expr("1_000.5")).value());

            assertTrue(((BoolLit) expr("true")).value());
            assertFalse(((BoolLit) expr("false")).value());
            assertEquals("a\nb\t\"c\"\\\r", ((StringLit) expr("\"a\\nb\\t\\\"c\\\"\\\\\\r\"")).value());
            assertEquals("", ((StringLit) expr("\"\"")).value());
            assertEquals("::relu", show("::relu"));
            assertEquals("[1 2 3]", show("[1, 2, 3,]"));
            assertEquals("[]", show("[]"));
            // `1.` is not a number: `1.toF32()` is a method call on 1.
            assertEquals("(call (. 1 toF32))", show("1.toF32()"));
        }

        @Test
        void dtypeNamesAreNotReserved() {
            assertEquals("(call f32 x)", show("f32(x)"));
            assertEquals("(. x bool)", show("x.bool"));
            assertEquals("val f32 = 1", show(stmts("val f32 = 1").getFirst()));
        }
    }

    @Nested
    class Types {
        TypeRef typeOf(String type) { return ((ValStmt) stmts("val v: " + type + " = 0").getFirst()).type(); }

        @Test
        void tensorTypes() {
            TensorTypeRef scalar = (TensorTypeRef) typeOf("f32");
            assertEquals("f32", scalar.dtype());
            assertNull(scalar.dims());
            TensorTypeRef rank0 = (TensorTypeRef) typeOf("f32[]");
            assertEquals(List.of(), rank0.dims());
            TensorTypeRef t = (TensorTypeRef) typeOf("u8[batch, 28 * 28, 10,]");
            assertEquals(List.of("batch", "(* 28 28)", "10"), t.dims().stream().map(ParserTest::show).toList());
            for (String dtype : List.of("f16", "f32", "f64", "i32", "i64", "u8", "bool")) {
                assertEquals(dtype, ((TensorTypeRef) typeOf(dtype + "[2]")).dtype());
            }
        }

        @Test
        void namedAndFunctionTypes() {
            assertEquals("Int", ((NamedTypeRef) typeOf("Int")).name());
            assertEquals("String", ((NamedTypeRef) typeOf("String")).name());
            FunctionTypeRef f = (FunctionTypeRef) typeOf("(f32[n], Int) -> (f32) -> Bool");
            assertEquals(2, f.params().size());
            assertEquals("Int", ((NamedTypeRef) f.params().get(1)).name());
            FunctionTypeRef inner = (FunctionTypeRef) f.result();
            assertEquals("Bool", ((NamedTypeRef) inner.result()).name());
            assertEquals(List.of(), ((FunctionTypeRef) typeOf("() -> f32")).params());
        }
    }

    @Nested
    class Newlines {
        @Test
        void aNewlineEndsAStatement() {
            assertEquals(List.of("val a = b", "(-c)"), stmts("val a = b\n-c").stream().map(ParserTest::show).toList());
            assertEquals(List.of("f", "[1]"), stmts("f\n[1]").stream().map(ParserTest::show).toList());
            assertEquals(List.of("f", "(call g)"), stmts("f\n(g())").stream().map(ParserTest::show).toList());
            assertEquals(List.of("(call f)", "{x}"), stmts("f()\n{ x }").stream().map(ParserTest::show).toList());
            assertEquals(List.of("::f", "::g"), stmts("::f\n::g").stream().map(ParserTest::show).toList());
        }

        @Test
        void semicolonsSeparateStatements() {
            assertEquals(List.of("a", "b", "c"), stmts(";a; b;;\nc;").stream().map(ParserTest::show).toList());
        }

        @Test
        void anExpressionContinuesAfterAnOperatorOrOpenBracket() {
            assertEquals("val a = (- b c)", show(stmts("val a = b -\n  c").getFirst()));
            assertEquals("val a = (call f 1 x=2)", show(stmts("val a =\n  f(\n  1,\n\n  x =\n 2\n)").getFirst()));
            assertEquals("(index x 1:2)", show("x[\n1\n:\n2\n]"));
            assertEquals("[1 2]", show("[\n  1,\n  2,\n]"));
            assertEquals("(&& a b)", show("a &&\n b"));
            assertEquals("{x -> x}", show("{ x ->\n  x\n}"));
            assertEquals("::f", show("::\nf"));
        }

        @Test
        void aLineStartingWithADotOrALogicalOperatorContinues() {
            assertEquals("(call (. (call (. x reshape) 1) toF32))", show("x\n  .reshape(1)\n  // comment\n  .toF32()"));
            assertEquals("(|| (&& a b) c)", show("a\n  && b\n  || c"));
        }

        @Test
        void newlinesSeparateStatementsInsideALambdaInsideParentheses() {
            assertEquals("(call f {x -> x; y})", show("f({ x ->\n  x\n  y\n})"));
            assertEquals("(call f [{a; b}])", show("f([{\na\nb\n}])"));
        }

        @Test
        void blankLinesCommentsAndCrLf() {
            List<Stmt> s = stmts("\n\n// c\nval a = 1 // c\n\n/* c\n c */\n\r\nval b = 2\r\n");
            assertEquals(List.of("val a = 1", "val b = 2"), s.stream().map(ParserTest::show).toList());
            assertEquals(List.of("a", "b"), stmts("a\rb").stream().map(ParserTest::show).toList());
            assertEquals(List.of("a"), stmts("\uFEFFa").stream().map(ParserTest::show).toList());   // byte-order mark
        }

        @Test
        void declarationBodiesMayStartOnTheNextLine() {
            Program p = parse("fun f()\n{\n  1\n}\nmodel M(x: f32)\n\n{\n}\ntrain(M)\n{\n  epochs = 1\n}\n");
            assertEquals(3, p.decls().size());
        }

        @Test
        void wildcardImportFollowedByANewline() {
            Program p = parse("import std.nn.*\nimport std.x\n");
            assertEquals(2, p.imports().size());
        }
    }

    @Nested
    class Locations {
        @Test
        void statementAndExpressionSpans() {
            ValStmt v = (ValStmt) stmts("\nval xy = a + b * (c)\n").getFirst();
            assertSpan(v.span(), 2, 1, 2, 21);
            assertSpan(v.nameSpan(), 2, 5, 2, 7);
            Binary sum = (Binary) v.value();
            assertSpan(sum.span(), 2, 10, 2, 21);
            assertSpan(sum.opSpan(), 2, 12, 2, 13);
            Binary product = (Binary) sum.right();
            assertSpan(product.span(), 2, 14, 2, 21);   // includes the parentheses around c
            assertSpan(product.right().span(), 2, 19, 2, 20);
        }

        @Test
        void postfixSpans() {
            Member z = (Member) expr("  x.f(1, y = 2)[0].z");
            assertSpan(z.span(), 1, 3, 1, 21);
            assertSpan(z.nameSpan(), 1, 20, 1, 21);
            Index idx = (Index) z.target();
            assertSpan(idx.span(), 1, 3, 1, 19);
            Call f = (Call) idx.target();
            assertSpan(f.span(), 1, 3, 1, 16);
            assertSpan(f.args().get(1).span(), 1, 10, 1, 15);
        }

        @Test
        void declarationSpans() {
            Program p = parse(FIGURE);
            ModelDecl m = (ModelDecl) p.decls().getFirst();
            assertSpan(m.span(), 1, 1, 7, 2);
            assertSpan(m.nameSpan(), 1, 7, 1, 13);
            assertSpan(m.params().get(1).span(), 1, 26, 1, 40);
            assertSpan(m.body().span(), 1, 42, 7, 2);
            TrainDecl t = (TrainDecl) parse(MNIST).decls().get(1);
            assertSpan(t.modelSpan(), 11, 7, 11, 12);
            assertSpan(t.settings().get(4).keySpan(), 16, 5, 16, 11);
            assertSpan(t.settings().get(4).span(), 16, 5, 16, 15);
            assertSpan(parse(MNIST).imports().getFirst().span(), 2, 1, 2, 16);
        }

        @Test
        void columnsCountUtf16CharsLikeTheDiagnostics() {
            // "😀" is two chars in Java strings but one code point for ANTLR.
            StringLit s = (StringLit) ((ValStmt) stmts("val s = \"😀\"; val t = 1").getFirst()).value();
            assertEquals("😀", s.value());
            assertSpan(s.span(), 1, 9, 1, 13);
            ValStmt t = (ValStmt) stmts("val s = \"😀\"; val t = 1").get(1);
            assertSpan(t.nameSpan(), 1, 19, 1, 20);
        }

        @Test
        void programSpanCoversTheFile() {
            Program p = parse("val a = 1\nval b = 2\n");
            assertSpan(p.span(), 1, 1, 3, 1);
        }
    }
}
