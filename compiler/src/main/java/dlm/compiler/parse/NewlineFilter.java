package dlm.compiler.parse;

import static dlm.grammar.DlmLexer.*;

import java.util.ArrayDeque;
import java.util.BitSet;
import org.antlr.v4.runtime.CharStream;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenFactory;
import org.antlr.v4.runtime.TokenSource;

/**
 * Sits between the lexer and the parser and decides which line breaks end a statement, the way
 * Kotlin does: it drops the NL tokens that cannot, so that the grammar only sees NLs that are
 * statement separators (see the notes at the top of {@code Dlm.g4}).
 *
 * <p>A newline is dropped when
 * <ul>
 *   <li>the innermost open bracket is {@code (} or {@code [} (inside a {@code {}} nested in them,
 *       e.g. a lambda argument, newlines separate statements again);</li>
 *   <li>the token before it cannot end an expression (an operator, {@code =}, {@code ,},
 *       {@code ->}, an opening bracket, ...), so the expression must go on;</li>
 *   <li>the next line starts with {@code .}, {@code &&} or {@code ||}, which cannot start a
 *       statement: a method chain or a condition continues;</li>
 *   <li>it is at the start or the end of the file.</li>
 * </ul>
 * A run of newlines (blank and comment-only lines) is reduced to its first one. The decisions
 * need one token of lookahead past the newline run and a stack of open brackets; brackets that do
 * not match are tolerated here (the parser reports them).
 */
final class NewlineFilter implements TokenSource {
    /** Tokens after which a line break never ends a statement. */
    private static final BitSet CONTINUES_AFTER = bits(
            OROR, ANDAND, EQEQ, NOTEQ, LE, GE, LT, GT, ARROW, COLONCOLON, ASSIGN, PLUS, MINUS, STAR,
            SLASH, PERCENT, AT, BANG, DOT, COMMA, COLON, SEMI, LPAREN, LBRACKET, LBRACE);

    /** Tokens that cannot start a statement but continue the previous line. */
    private static final BitSet CONTINUES_BEFORE = bits(DOT, ANDAND, OROR);

    private final TokenSource source;
    /** Tokens read ahead of the one last returned. */
    private final ArrayDeque<Token> pending = new ArrayDeque<>();
    /** Types of the open brackets, innermost first. */
    private final ArrayDeque<Integer> brackets = new ArrayDeque<>();
    private int prevType = Token.INVALID_TYPE;
    /** Whether the previous token asks for more (true at the start: leading newlines go). */
    private boolean prevContinues = true;

    NewlineFilter(TokenSource source) { this.source = source; }

    @Override
    public Token nextToken() {
        while (true) {
            Token t = pull();
            if (t.getType() != NL) {
                remember(t);
                return t;
            }
            Token next = pull();
            while (next.getType() == NL) next = pull();
            pending.addFirst(next);
            if (endsStatement(next)) {
                remember(t);
                return t;
            }
        }
    }

    private boolean endsStatement(Token next) {
        if (prevContinues) return false;
        Integer innermost = brackets.peek();
        if (innermost != null && innermost != LBRACE) return false;
        int type = next.getType();
        return type != Token.EOF && !CONTINUES_BEFORE.get(type);
    }

    private void remember(Token t) {
        int type = t.getType();
        switch (type) {
            case LPAREN, LBRACKET, LBRACE -> brackets.push(type);
            case RPAREN -> close(LPAREN);
            case RBRACKET -> close(LBRACKET);
            case RBRACE -> close(LBRACE);
            default -> { }
        }
        // `import a.*`: that star is not a multiplication waiting for its right operand.
        prevContinues = type >= 0 && CONTINUES_AFTER.get(type) && !(type == STAR && prevType == DOT);
        prevType = type;
    }

    /** Pops up to and including the matching opener; a closer without one is left to the parser. */
    private void close(int opener) {
        if (!brackets.contains(opener)) return;
        while (brackets.pop() != opener) { /* unclosed inner brackets end here too */ }
    }

    private Token pull() { return pending.isEmpty() ? source.nextToken() : pending.poll(); }

    private static BitSet bits(int... types) {
        BitSet set = new BitSet();
        for (int t : types) set.set(t);
        return set;
    }

    @Override public int getLine() { return source.getLine(); }
    @Override public int getCharPositionInLine() { return source.getCharPositionInLine(); }
    @Override public CharStream getInputStream() { return source.getInputStream(); }
    @Override public String getSourceName() { return source.getSourceName(); }
    @Override public void setTokenFactory(TokenFactory<?> factory) { source.setTokenFactory(factory); }
    @Override public TokenFactory<?> getTokenFactory() { return source.getTokenFactory(); }
}
