package dlm.compiler.parse;

import dlm.compiler.ast.Ast;
import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceFile;
import dlm.grammar.DlmLexer;
import dlm.grammar.DlmParser;
import org.antlr.v4.runtime.BailErrorStrategy;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.antlr.v4.runtime.misc.ParseCancellationException;

/**
 * Parses a .dlm file into its {@link Ast.Program}.
 *
 * <pre>
 *   text ─▶ DlmLexer ─▶ NewlineFilter ─▶ DlmParser ─▶ parse tree ─▶ AstBuilder ─▶ Ast.Program
 * </pre>
 *
 * The first problem in the file, lexical or syntactic, is thrown as a {@link DlmException}
 * located at the offending token; see {@link SyntaxErrors} for the messages.
 */
public final class Parser {
    private Parser() {}

    /** Parses {@code file}; throws {@link DlmException} at its first error (and nothing else). */
    public static Ast.Program parse(SourceFile file) {
        // A lone CR is a line break for SourceFile (String.lines) but not for ANTLR's line counter.
        // Turning it into LF keeps every offset, so spans still point into the original text.
        String text = file.text().replaceAll("\r(?!\n)", "\n");
        Spans spans = new Spans(file, text);
        try {
            return new AstBuilder(spans).build(parseTree(file, text, spans));
        } catch (StackOverflowError e) {
            throw new DlmException(spans.span(0, 0), "the program is nested too deeply to be parsed");
        }
    }

    /**
     * The deepest nesting accepted: brackets of any kind ({@code ( [ {}) open at once, or prefix
     * operators in a row ({@code - - - x}). The parser and the checker recurse once per level, so
     * a deeper program is refused (located at the first token past the limit) rather than left to
     * overflow the stack. Long flat expressions — sums of many terms, long chains of calls — are
     * not nesting: they have no length limit.
     */
    public static final int MAX_NESTING = 256;

    /** Refuses, at the offending token, nesting deeper than {@link #MAX_NESTING}; a loop over the tokens, no recursion. */
    private static void checkNesting(CommonTokenStream tokens, Spans spans) {
        int depth = 0, prefixRun = 0;
        for (Token t : tokens.getTokens()) {
            int type = t.getType();
            if (type == DlmLexer.LPAREN || type == DlmLexer.LBRACKET || type == DlmLexer.LBRACE) {
                if (++depth > MAX_NESTING)
                    throw new DlmException(spans.span(t.getStartIndex(), t.getStopIndex() + 1),
                            "expression nested too deeply: more than " + MAX_NESTING + " brackets open at once; split it into several vals");
            } else if (type == DlmLexer.RPAREN || type == DlmLexer.RBRACKET || type == DlmLexer.RBRACE) {
                depth = Math.max(0, depth - 1);
            }
            if (type == DlmLexer.MINUS || type == DlmLexer.PLUS || type == DlmLexer.BANG) {
                if (++prefixRun > MAX_NESTING)
                    throw new DlmException(spans.span(t.getStartIndex(), t.getStopIndex() + 1),
                            "expression nested too deeply: more than " + MAX_NESTING + " prefix operators in a row");
            } else {
                prefixRun = 0;
            }
        }
    }

    private static DlmParser.ProgramContext parseTree(SourceFile file, String text, Spans spans) {
        DlmLexer lexer = new DlmLexer(CharStreams.fromString(text, file.name()));
        lexer.removeErrorListeners();   // never called: ERROR_CHAR matches any character
        CommonTokenStream tokens = new CommonTokenStream(new NewlineFilter(lexer));
        tokens.fill();
        checkNesting(tokens, spans);
        DlmParser parser = new DlmParser(tokens);
        parser.removeErrorListeners();  // errors are thrown by the error strategies instead

        // Two-stage parsing: the faster SLL prediction succeeds on nearly every input; full LL is
        // only needed (and its messages only wanted) when SLL fails, which a syntax error also causes.
        parser.getInterpreter().setPredictionMode(PredictionMode.SLL);
        parser.setErrorHandler(new BailErrorStrategy());
        try {
            return parser.program();
        } catch (ParseCancellationException e) {
            tokens.seek(0);
            parser.reset();
            parser.getInterpreter().setPredictionMode(PredictionMode.LL);
            parser.setErrorHandler(new SyntaxErrors(spans));
            return parser.program();
        }
    }
}
