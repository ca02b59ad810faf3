package dlm.compiler.parse;

import dlm.compiler.ast.Ast.*;
import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceSpan;
import dlm.grammar.DlmBaseVisitor;
import dlm.grammar.DlmParser.*;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Turns a parse tree into the immutable {@link dlm.compiler.ast.Ast} records, each with its source span.
 *
 * <p>Besides the one-to-one mapping it does the few things the grammar leaves to it: folding each
 * precedence level left-associatively, attaching trailing lambdas to calls, telling tensor dtypes
 * from named types, wrapping {@code fun f() = e} in a block, converting literals, and checking that
 * imports come first. Problems found here (an integer that does not fit, {@code Int[3]}) are
 * {@link DlmException}s located like syntax errors.
 */
final class AstBuilder extends DlmBaseVisitor<Object> {
    /** The tensor element types a {@code TensorTypeRef} may name. */
    static final Set<String> DTYPES = Set.of("f16", "f32", "f64", "i32", "i64", "u8", "bool");

    private final Spans spans;

    AstBuilder(Spans spans) { this.spans = spans; }

    Program build(ProgramContext tree) { return (Program) visit(tree); }

    // ---- file and declarations -------------------------------------------------------------------

    @Override
    public Program visitProgram(ProgramContext ctx) {
        List<Import> imports = new ArrayList<>();
        List<Decl> decls = new ArrayList<>();
        for (TopItemContext item : ctx.topItem()) {
            if (item.importDecl() != null) {
                if (!decls.isEmpty()) {
                    throw new DlmException(span(item), "imports must come before all declarations and statements");
                }
                imports.add(visitImportDecl(item.importDecl()));
            } else if (item.declaration() != null) {
                decls.add((Decl) visit(item.declaration()));
            } else {
                Stmt stmt = stmt(item.statement());
                decls.add(new TopLevelStmt(stmt, stmt.span()));
            }
        }
        return new Program(spans.file(), List.copyOf(imports), List.copyOf(decls), spans.whole());
    }

    @Override
    public Import visitImportDecl(ImportDeclContext ctx) {
        List<String> path = ctx.IDENT().stream().map(AstBuilder::id).toList();
        return new Import(path, ctx.STAR() != null, span(ctx));
    }

    @Override
    public Decl visitDeclaration(DeclarationContext ctx) { return (Decl) visit(ctx.getChild(0)); }

    @Override
    public FunDecl visitFunDecl(FunDeclContext ctx) {
        TypeRef returnType = ctx.type() == null ? null : type(ctx.type());
        FunctionBodyContext body = ctx.functionBody();
        Block block;
        if (body.block() != null) {
            block = visitBlock(body.block());
        } else {
            // `fun f(x) = e` is `fun f(x) { return e }`.
            Expr value = expr(body.expression());
            block = new Block(List.of(new ReturnStmt(value, value.span())), value.span());
        }
        return new FunDecl(id(ctx.IDENT()), params(ctx.params()), returnType, block,
                span(ctx.IDENT()), span(ctx));
    }

    @Override
    public ModelDecl visitModelDecl(ModelDeclContext ctx) {
        return new ModelDecl(id(ctx.IDENT()), params(ctx.params()), visitBlock(ctx.block()),
                span(ctx.IDENT()), span(ctx));
    }

    @Override
    public TrainDecl visitTrainDecl(TrainDeclContext ctx) {
        List<Setting> settings = ctx.setting().stream().map(this::visitSetting).toList();
        return new TrainDecl(id(ctx.IDENT()), span(ctx.IDENT()), settings, span(ctx));
    }

    @Override
    public Setting visitSetting(SettingContext ctx) {
        return new Setting(id(ctx.IDENT()), expr(ctx.expression()), span(ctx.IDENT()), span(ctx));
    }

    private List<ParamDecl> params(ParamsContext ctx) {
        return ctx == null ? List.of() : ctx.param().stream().map(this::visitParam).toList();
    }

    @Override
    public ParamDecl visitParam(ParamContext ctx) {
        Expr defaultValue = ctx.expression() == null ? null : expr(ctx.expression());
        return new ParamDecl(id(ctx.IDENT()), type(ctx.type()), defaultValue, span(ctx));
    }

    // ---- statements --------------------------------------------------------------------------------

    @Override
    public Block visitBlock(BlockContext ctx) { return new Block(statements(ctx.statements()), span(ctx)); }

    private List<Stmt> statements(StatementsContext ctx) { return ctx.statement().stream().map(this::stmt).toList(); }

    @Override
    public ValStmt visitValStatement(ValStatementContext ctx) {
        TypeRef type = ctx.type() == null ? null : type(ctx.type());
        return new ValStmt(id(ctx.IDENT()), type, expr(ctx.expression()), span(ctx.IDENT()), span(ctx));
    }

    @Override
    public ParamStmt visitParamStatement(ParamStatementContext ctx) {
        Expr init = ctx.expression() == null ? null : expr(ctx.expression());
        return new ParamStmt(id(ctx.IDENT()), type(ctx.type()), init, span(ctx.IDENT()), span(ctx), ctx.STATE() == null);
    }

    @Override
    public ReturnStmt visitReturnStatement(ReturnStatementContext ctx) {
        return new ReturnStmt(expr(ctx.expression()), span(ctx));
    }

    @Override
    public AssignStmt visitAssignStatement(AssignStatementContext ctx) {
        return new AssignStmt(id(ctx.IDENT()), expr(ctx.expression()), span(ctx.IDENT()), span(ctx));
    }

    @Override
    public ExprStmt visitExpressionStatement(ExpressionStatementContext ctx) {
        return new ExprStmt(expr(ctx.expression()), span(ctx));
    }

    // ---- types -------------------------------------------------------------------------------------

    @Override
    public TypeRef visitSimpleType(SimpleTypeContext ctx) {
        String name = id(ctx.IDENT());
        boolean hasDims = ctx.LBRACKET() != null;
        if (DTYPES.contains(name)) {
            return new TensorTypeRef(name, hasDims ? exprs(ctx.expression()) : null, span(ctx));
        }
        if (hasDims) {
            throw new DlmException(span(ctx.IDENT()), "'" + name
                    + "' is not a tensor element type; only f16, f32, f64, i32, i64, u8 and bool take dimensions");
        }
        return new NamedTypeRef(name, span(ctx));
    }

    @Override
    public FunctionTypeRef visitFunctionType(FunctionTypeContext ctx) {
        List<TypeRef> all = ctx.type().stream().map(this::type).toList();
        // The grammar lists the parameter types first and the result type last.
        return new FunctionTypeRef(all.subList(0, all.size() - 1), all.getLast(), span(ctx));
    }

    // ---- expressions -------------------------------------------------------------------------------

    @Override public Expr visitExpression(ExpressionContext ctx) { return expr(ctx.disjunction()); }
    @Override public Expr visitDisjunction(DisjunctionContext ctx) { return foldLeft(ctx); }
    @Override public Expr visitConjunction(ConjunctionContext ctx) { return foldLeft(ctx); }
    @Override public Expr visitEquality(EqualityContext ctx) { return foldLeft(ctx); }
    @Override public Expr visitComparison(ComparisonContext ctx) { return foldLeft(ctx); }
    @Override public Expr visitAdditive(AdditiveContext ctx) { return foldLeft(ctx); }
    @Override public Expr visitMultiplicative(MultiplicativeContext ctx) { return foldLeft(ctx); }

    /**
     * One precedence level, {@code operand (op operand)*}, as left-associative binaries. Spans run
     * over tokens, so a parenthesized operand's parentheses are inside its parent's span.
     */
    private Expr foldLeft(ParserRuleContext ctx) {
        Expr left = expr((ParserRuleContext) ctx.getChild(0));
        for (int i = 1; i + 1 < ctx.getChildCount(); i += 2) {
            Token op = ((TerminalNode) ctx.getChild(i)).getSymbol();
            ParserRuleContext rightCtx = (ParserRuleContext) ctx.getChild(i + 1);
            Expr right = expr(rightCtx);
            left = new Binary(op.getText(), left, right, spans.of(op), spans.of(ctx.start, rightCtx.stop));
        }
        return left;
    }

    @Override
    public Expr visitPrefixUnary(PrefixUnaryContext ctx) {
        if (ctx.postfixExpr() != null) return expr(ctx.postfixExpr());
        return new Unary(ctx.getChild(0).getText(), expr(ctx.prefixUnary()), span(ctx));
    }

    @Override
    public Expr visitPostfixExpr(PostfixExprContext ctx) {
        Expr e = expr(ctx.primary());
        // Whether e is a call whose argument list was just closed, so a lambda joins its arguments.
        boolean callJustClosed = false;
        for (PostfixSuffixContext suffix : ctx.postfixSuffix()) {
            SourceSpan span = spans.of(ctx.start, suffix.stop);
            switch (suffix) {
                case CallSuffixContext call -> e = new Call(e, arguments(call.arguments()), span);
                case LambdaSuffixContext trailing -> {
                    Lambda lambda = visitLambda(trailing.lambda());
                    Arg arg = new Arg(null, lambda, lambda.span());
                    if (callJustClosed && e instanceof Call call) {
                        List<Arg> args = new ArrayList<>(call.args());
                        args.add(arg);
                        e = new Call(call.callee(), List.copyOf(args), span);
                    } else {
                        e = new Call(e, List.of(arg), span);
                    }
                }
                case MemberSuffixContext member ->
                        e = new Member(e, id(member.IDENT()), span(member.IDENT()), span);
                case IndexSuffixContext index -> e = new Index(e, indexItems(index.indexItems()), span);
                default -> throw new IllegalStateException("unknown suffix " + suffix.getClass().getSimpleName());
            }
            callJustClosed = suffix instanceof CallSuffixContext;
        }
        return e;
    }

    private List<Arg> arguments(ArgumentsContext ctx) {
        return ctx == null ? List.of() : ctx.argument().stream().map(this::visitArgument).toList();
    }

    @Override
    public Arg visitArgument(ArgumentContext ctx) {
        String name = ctx.IDENT() == null ? null : id(ctx.IDENT());
        return new Arg(name, expr(ctx.expression()), span(ctx));
    }

    private List<IndexItem> indexItems(IndexItemsContext ctx) {
        return ctx.indexItem().stream().map(item -> (IndexItem) visit(item)).toList();
    }

    @Override
    public IndexAt visitAtItem(AtItemContext ctx) { return new IndexAt(expr(ctx.expression()), span(ctx)); }

    @Override
    public IndexSlice visitSliceItem(SliceItemContext ctx) {
        return new IndexSlice(optional(ctx.lower), optional(ctx.upper), optional(ctx.step), span(ctx));
    }

    @Override
    public IndexSlice visitSliceStepItem(SliceStepItemContext ctx) {
        return new IndexSlice(optional(ctx.lower), null, optional(ctx.step), span(ctx));
    }

    // ---- primaries ---------------------------------------------------------------------------------

    @Override
    public IntLit visitIntLiteral(IntLiteralContext ctx) {
        String text = ctx.getText();
        try {
            return new IntLit(Long.parseLong(text.replace("_", "")), text, span(ctx));
        } catch (NumberFormatException e) {
            throw new DlmException(span(ctx), "integer literal " + text + " is too large (the largest is " + Long.MAX_VALUE + ")");
        }
    }

    @Override
    public FloatLit visitFloatLiteral(FloatLiteralContext ctx) {
        String text = ctx.getText();
        char last = text.charAt(text.length() - 1);
        boolean f32 = last == 'f' || last == 'F';
        String digits = text.substring(0, text.length() - (f32 ? 1 : 0)).replace("_", "");
        double value = Double.parseDouble(digits);   // the lexer only lets valid numbers through
        if (Double.isInfinite(value) || f32 && Float.isInfinite((float) value)) {
            throw new DlmException(span(ctx), "number " + text + " is too large for " + (f32 ? "f32" : "f64"));
        }
        return new FloatLit(value, f32, text, span(ctx));
    }

    @Override
    public BoolLit visitBoolLiteral(BoolLiteralContext ctx) { return new BoolLit(ctx.TRUE() != null, span(ctx)); }

    @Override
    public StringLit visitStringLiteral(StringLiteralContext ctx) {
        String text = ctx.getText();
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 1; i < text.length() - 1; i++) {
            char c = text.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char escaped = text.charAt(++i);   // the lexer only accepts the escapes below
            sb.append(switch (escaped) {
                case 'n' -> '\n';
                case 't' -> '\t';
                case 'r' -> '\r';
                default -> escaped;            // \" and \\
            });
        }
        return new StringLit(sb.toString(), span(ctx));
    }

    @Override
    public Name visitNameRef(NameRefContext ctx) { return new Name(id(ctx.IDENT()), span(ctx)); }

    @Override
    public FunRef visitFunctionRef(FunctionRefContext ctx) { return new FunRef(id(ctx.IDENT()), span(ctx)); }

    @Override
    public Lambda visitLambdaLiteral(LambdaLiteralContext ctx) { return visitLambda(ctx.lambda()); }

    @Override
    public Lambda visitLambda(LambdaContext ctx) {
        List<ParamDecl> params = ctx.lambdaParams() == null ? List.of()
                : ctx.lambdaParams().lambdaParam().stream().map(p -> new ParamDecl(id(p.IDENT()),
                        p.type() == null ? null : type(p.type()), null, span(p))).toList();
        return new Lambda(params, statements(ctx.statements()), span(ctx));
    }

    @Override
    public Expr visitParenthesized(ParenthesizedContext ctx) { return expr(ctx.expression()); }

    @Override
    public ListLit visitListLiteral(ListLiteralContext ctx) { return new ListLit(exprs(ctx.expression()), span(ctx)); }

    // ---- helpers -----------------------------------------------------------------------------------

    private Expr expr(ParserRuleContext ctx) { return (Expr) visit(ctx); }

    private Expr optional(ExpressionContext ctx) { return ctx == null ? null : expr(ctx); }

    private List<Expr> exprs(List<ExpressionContext> ctxs) { return ctxs.stream().map(this::expr).toList(); }

    private Stmt stmt(StatementContext ctx) { return (Stmt) visit(ctx); }

    private TypeRef type(TypeContext ctx) { return (TypeRef) visit(ctx); }

    private SourceSpan span(ParserRuleContext ctx) { return spans.of(ctx); }

    private SourceSpan span(TerminalNode node) { return spans.of(node.getSymbol()); }

    /** A name's text; a backticked name (`hidden.W`) without its backticks. */
    static String id(TerminalNode t) {
        String s = t.getText();
        return s.length() >= 2 && s.charAt(0) == '`' ? s.substring(1, s.length() - 1) : s;
    }
}
