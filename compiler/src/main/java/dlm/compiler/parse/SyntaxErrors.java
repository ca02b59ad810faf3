package dlm.compiler.parse;

import static dlm.grammar.DlmParser.*;

import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceSpan;
import dlm.grammar.DlmParser;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.NoViableAltException;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.RuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;

/**
 * The parser's error strategy: it stops at the first syntax error and throws a
 * {@link DlmException} located at the offending token, with a message in the style of Trino's
 * parser: {@code mismatched input ')'; expected an expression}, {@code missing '}' at end of file},
 * {@code extraneous input 'x'; expected ',' or ')'}, {@code unterminated string}.
 *
 * <p>ANTLR's own recovery heuristics still choose the kind of message (single-token deletion
 * gives "extraneous input", single-token insertion gives "missing"), but nothing recovers: every
 * report throws. What was expected is computed by {@link Expectations} and worded here, short.
 */
final class SyntaxErrors extends DefaultErrorStrategy {
    /** Binary operators: when they are possible the expression could simply go on; not worth listing. */
    private static final BitSet OPERATORS = bits(OROR, ANDAND, EQEQ, NOTEQ, LE, GE, LT, GT, PLUS, MINUS, STAR, SLASH, PERCENT, AT);
    /** Tokens that continue an expression as a postfix (call, trailing lambda, member, index). */
    private static final BitSet POSTFIX = bits(LPAREN, LBRACE, DOT, LBRACKET);
    /** Tokens that can start an expression or statement; subsumed by "an expression"/"a statement". */
    private static final BitSet STARTS = bits(INT, FLOAT, TRUE, FALSE, STRING, IDENT, COLONCOLON, LPAREN, LBRACKET,
            LBRACE, MINUS, PLUS, BANG, VAL, PARAM, RETURN, FUN, MODEL, TRAIN, IMPORT);
    private static final BitSet KEYWORDS = bits(IMPORT, FUN, MODEL, TRAIN, VAL, PARAM, RETURN, TRUE, FALSE);
    /** Tokens that are words the user writes, not punctuation: "missing" one reads badly. */
    private static final BitSet CONTENT = bits(IDENT, INT, FLOAT, STRING);
    /** Lexer error tokens. */
    private static final BitSet LEXICAL = bits(ERROR_CHAR, UNTERMINATED_STRING, BAD_ESCAPE_STRING, UNTERMINATED_COMMENT);

    /** Lists longer than this are cut down to their named parts (or dropped). */
    private static final int MAX_ALTERNATIVES = 4;

    private enum Kind { MISMATCHED, EXTRANEOUS, MISSING }

    private final Spans spans;

    // The first sync point at the current token: the widest view of what could follow the
    // previous token (by the time an error is detected the parser may have left the rules that
    // could have continued). ANTLR keeps a similar pair (nextTokensContext) but never clears it
    // once the token is matched, so it can go stale; this one is keyed by token index.
    private int syncIndex = -1;
    private int syncState;
    private ParserRuleContext syncContext;

    SyntaxErrors(Spans spans) { this.spans = spans; }

    @Override
    public void sync(Parser parser) throws RecognitionException {
        int index = parser.getInputStream().index();
        if (index != syncIndex) {
            syncIndex = index;
            syncState = parser.getState();
            syncContext = parser.getContext();
        }
        super.sync(parser);
    }

    @Override
    public void reportError(Parser parser, RecognitionException e) {
        Token offending = e.getOffendingToken();
        Token start = e instanceof NoViableAltException nv ? nv.getStartToken() : offending;
        throw error(parser, Kind.MISMATCHED, offending, start, e.getOffendingState(), e.getCtx());
    }

    @Override
    protected void reportUnwantedToken(Parser parser) {
        Token t = parser.getCurrentToken();
        throw error(parser, Kind.EXTRANEOUS, t, t, parser.getState(), parser.getContext());
    }

    @Override
    protected void reportMissingToken(Parser parser) {
        Token t = parser.getCurrentToken();
        throw error(parser, Kind.MISSING, t, t, parser.getState(), parser.getContext());
    }

    /** As ANTLR's, minus its stale-context variant of the mismatch (every report throws anyway). */
    @Override
    public Token recoverInline(Parser parser) throws RecognitionException {
        singleTokenDeletion(parser);    // reports "extraneous input" if deleting LT(1) would do
        singleTokenInsertion(parser);   // reports "missing" if inserting the expected token would do
        Token t = parser.getCurrentToken();
        throw error(parser, Kind.MISMATCHED, t, t, parser.getState(), parser.getContext());
    }

    /**
     * The error for a parse that failed at {@code offending}. The parser stood at {@code state} in
     * {@code ctx} looking at {@code start} (earlier than {@code offending} when prediction had
     * looked ahead).
     */
    private DlmException error(Parser parser, Kind kind, Token offending, Token start, int state, RuleContext ctx) {
        DlmException lexical = lexicalError(offending);
        if (lexical != null) return lexical;
        SourceSpan at = locate(parser, offending);
        TokenStream tokens = parser.getInputStream();

        Integer open = innermostOpenBracket(tokens, offending);
        int type = offending.getType();
        if (isCloser(type) && !hasOpener(tokens, offending)) {
            return new DlmException(at, "unmatched " + quote(offending));
        }

        if (start.getTokenIndex() == syncIndex && syncContext != null) {
            state = syncState;
            ctx = syncContext;
        }
        List<Token> lookahead = new ArrayList<>();
        for (int i = start.getTokenIndex(); i < offending.getTokenIndex(); i++) lookahead.add(tokens.get(i));
        Expectations.Result expected = Expectations.at(parser, state, ctx, lookahead);
        String named = namedContext(ctx, offending);
        if (named != null) expected = new Expectations.Result(Set.of(named), Set.of(), expected.allTokens());

        // An unclosed bracket whose closer would fit here, at the end of the file or at another closer.
        if (open != null && (type == Token.EOF || isCloser(type)) && type != closerOf(open)
                && expected.tokens().contains(closerOf(open))) {
            return new DlmException(at, "missing '" + literal(closerOf(open)) + "' at " + describe(offending));
        }

        String wanted = describe(expected);
        // "missing ':' at 'f32'" reads well for one piece of punctuation; for a name, or a choice
        // of several tokens, "mismatched input 'f32'; expected ..." says it better.
        if (kind == Kind.MISSING && expected.names().isEmpty() && expected.tokens().size() == 1
                && !in(CONTENT, expected.tokens().iterator().next())) {
            return new DlmException(at, "missing " + wanted + " at " + describe(offending));
        }
        if (kind != Kind.MISSING) {
            // ANTLR calls a token extraneous at the end of a loop without checking that dropping it
            // would help, and calls it mismatched where dropping it would; decide here instead. A
            // keyword is never extraneous: it usually starts what comes after an incomplete line.
            Token after = tokens.LT(offending.getTokenIndex() - tokens.index() + 2);
            boolean droppable = type != Token.EOF && type != NL && !in(KEYWORDS, type)
                    && after != null && expected.allTokens().contains(after.getType());
            kind = droppable ? Kind.EXTRANEOUS : Kind.MISMATCHED;
        }
        String message;
        if (type == Token.EOF || type == NL) {
            message = "unexpected " + describe(offending);
        } else if (kind == Kind.EXTRANEOUS) {
            message = "extraneous input " + quote(offending);
        } else {
            message = "mismatched input " + quote(offending);
        }
        return new DlmException(at, wanted == null ? message : message + "; expected " + wanted);
    }

    /**
     * If the parser had just entered named rules (an expression, a type...) and consumed nothing
     * of them, the outermost one is what was expected: "a type" rather than "a name or '('".
     */
    private static String namedContext(RuleContext ctx, Token offending) {
        String name = null;
        for (RuleContext c = ctx; c instanceof ParserRuleContext p && p.start != null
                && p.start.getTokenIndex() == offending.getTokenIndex(); c = c.parent) {
            String n = Expectations.RULE_NAMES.get(c.getRuleIndex());
            if (n != null) name = n;
        }
        return name;
    }

    /** "an expression", "',' or ')'", "a statement or '}'"; null when nothing useful can be said. */
    static String describe(Expectations.Result expected) {
        Set<String> names = new LinkedHashSet<>(expected.names());
        Set<Integer> tokens = new LinkedHashSet<>(expected.tokens());
        if (tokens.stream().anyMatch(t -> in(OPERATORS, t))) {
            tokens.removeIf(t -> in(OPERATORS, t) || in(POSTFIX, t));
        }
        if (!names.contains(Expectations.EXPRESSION)
                && tokens.containsAll(List.of(INT, FLOAT, STRING, IDENT, LPAREN))) {
            names.add(Expectations.EXPRESSION);   // the walk started inside a primary
        }
        if (names.contains("a statement") || names.contains("a declaration or statement")) {
            names.remove(Expectations.EXPRESSION);
        }
        if (!names.isEmpty() && !names.equals(Set.of("a type")) && !names.equals(Set.of("a parameter"))) {
            // A name, a literal, 'val'... are all covered by "an expression" / "a statement".
            tokens.removeIf(t -> in(STARTS, t));
        }
        boolean content = names.stream().anyMatch(n -> !n.equals("a type"));
        if (content) tokens.removeAll(List.of(NL, SEMI, Token.EOF));       // optional separators
        if (!tokens.contains(SEMI)) tokens.remove(NL);                     // e.g. the NL before a body's '{'
        if (tokens.contains(NL)) tokens.remove(Token.EOF);                 // "a newline" says it

        List<String> items = new ArrayList<>(names);
        // Separators first ("a newline, ';' or '}'"), then the rest in grammar order.
        for (int separator : List.of(NL, SEMI)) if (tokens.remove(separator)) items.add(tokenName(separator));
        for (int t : tokens) items.add(tokenName(t));
        if (items.size() > MAX_ALTERNATIVES) items = new ArrayList<>(names);
        if (items.isEmpty() || items.size() > MAX_ALTERNATIVES) return null;
        if (items.size() == 1) return items.getFirst();
        return String.join(", ", items.subList(0, items.size() - 1)) + " or " + items.getLast();
    }

    /** How an expected token is named. */
    static String tokenName(int type) {
        return switch (type) {
            case Token.EOF -> "end of file";
            case NL -> "a newline";
            case IDENT -> "a name";
            case INT -> "an integer";
            case FLOAT -> "a number";
            case STRING -> "a string";
            default -> "'" + literal(type) + "'";
        };
    }

    /** How the offending token is named after "at" or "unexpected". */
    private static String describe(Token t) {
        return switch (t.getType()) {
            case Token.EOF -> "end of file";
            case NL -> "end of line";
            default -> quote(t);
        };
    }

    /** The token's text in quotes, shortened and with control characters escaped. */
    private static String quote(Token t) {
        String text = t.getText();
        if (text.codePointCount(0, text.length()) > 24) text = text.substring(0, text.offsetByCodePoints(0, 20)) + "...";
        return "'" + printable(text) + "'";
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(cp -> {
            int category = Character.getType(cp);
            if (Character.isISOControl(cp) || category == Character.FORMAT || category == Character.SURROGATE
                    || category == Character.UNASSIGNED) {
                sb.append(String.format("\\u%04X", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.toString();
    }

    private static String literal(int type) {
        String name = DlmParser.VOCABULARY.getLiteralName(type);
        if (name != null) return name.substring(1, name.length() - 1);
        return DlmParser.VOCABULARY.getDisplayName(type);
    }

    // ---- lexical errors --------------------------------------------------------------------------

    /** Lexer error tokens reach the parser like any other; no rule accepts them. */
    private DlmException lexicalError(Token t) {
        if (!in(LEXICAL, t.getType())) return null;
        String text = t.getText();
        int start = spans.startOffset(t);
        return switch (t.getType()) {
            case ERROR_CHAR -> new DlmException(spans.of(t), text.equals("'")
                    ? "unexpected character \"'\" (strings are written in double quotes)"
                    : "unexpected character '" + printable(text) + "'");
            case UNTERMINATED_STRING -> new DlmException(spans.of(t), "unterminated string");
            case UNTERMINATED_COMMENT -> new DlmException(spans.span(start, start + 2), "unterminated comment");
            default -> {   // BAD_ESCAPE_STRING: the token ends with the bad escape
                int escape = text.lastIndexOf('\\');
                String seq = text.substring(escape);
                int from = start + escape;
                yield new DlmException(spans.span(from, from + seq.length()),
                        "invalid escape '" + printable(seq) + "' in string (use \\n, \\t, \\r, \\\" or \\\\)");
            }
        };
    }

    // ---- locations and brackets --------------------------------------------------------------------

    /**
     * The offending token's span; at the end of the file, the point just past the last real token
     * (on a line the user can see) rather than an empty line after it.
     */
    private SourceSpan locate(Parser parser, Token t) {
        if (t.getType() != Token.EOF) return spans.of(t);
        TokenStream tokens = parser.getInputStream();
        for (int i = t.getTokenIndex() - 1; i >= 0; i--) {
            Token prev = tokens.get(i);
            if (prev.getType() != NL) return spans.after(prev);
        }
        return spans.span(0, 0);
    }

    /** The type of the innermost bracket still open before {@code t}, or null. */
    private static Integer innermostOpenBracket(TokenStream tokens, Token t) {
        return openBrackets(tokens, t).peek();
    }

    /** Whether the closer {@code t} has an opener of its kind still open before it. */
    private static boolean hasOpener(TokenStream tokens, Token t) {
        return openBrackets(tokens, t).contains(openerOf(t.getType()));
    }

    /** Brackets open before {@code t}, innermost first, matched the way {@link NewlineFilter} does. */
    private static ArrayDeque<Integer> openBrackets(TokenStream tokens, Token t) {
        ArrayDeque<Integer> open = new ArrayDeque<>();
        for (int i = 0; i < t.getTokenIndex(); i++) {
            int type = tokens.get(i).getType();
            if (type == LPAREN || type == LBRACKET || type == LBRACE) {
                open.push(type);
            } else if (isCloser(type) && open.contains(openerOf(type))) {
                while (open.pop() != openerOf(type)) { /* unclosed inner brackets end here */ }
            }
        }
        return open;
    }

    private static boolean isCloser(int type) { return type == RPAREN || type == RBRACKET || type == RBRACE; }

    private static int openerOf(int closer) {
        return switch (closer) {
            case RPAREN -> LPAREN;
            case RBRACKET -> LBRACKET;
            default -> LBRACE;
        };
    }

    private static int closerOf(int opener) {
        return switch (opener) {
            case LPAREN -> RPAREN;
            case LBRACKET -> RBRACKET;
            default -> RBRACE;
        };
    }

    /** Set membership that is safe for EOF (-1). */
    private static boolean in(BitSet set, int type) { return type >= 0 && set.get(type); }

    private static BitSet bits(int... types) {
        BitSet set = new BitSet();
        for (int t : types) set.set(t);
        return set;
    }
}
