package dlm.compiler.parse;

import dlm.grammar.DlmParser;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.RuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.atn.ATN;
import org.antlr.v4.runtime.atn.ATNState;
import org.antlr.v4.runtime.atn.NotSetTransition;
import org.antlr.v4.runtime.atn.RuleStopState;
import org.antlr.v4.runtime.atn.RuleTransition;
import org.antlr.v4.runtime.atn.Transition;
import org.antlr.v4.runtime.atn.WildcardTransition;
import org.antlr.v4.runtime.misc.Interval;

/**
 * What the parser would have accepted where it failed, in terms a user knows: "an expression",
 * "a type", "')'" rather than the dozen tokens that can start an expression.
 *
 * <p>Like Trino's parser error handler, it walks the grammar's ATN from the state where the
 * error was detected, with the real rule-invocation stack of the failed parse, through the
 * tokens that prediction had already looked at (for a no-viable-alternative error the offending
 * token can be several tokens past the decision), and collects what can come next. When the walk
 * would enter one of the {@link #RULE_NAMES named rules} at the error position it records the
 * rule's name instead of the rule's first tokens. The grammar has no predicates or actions, so the
 * walk is exact.
 */
final class Expectations {
    static final String EXPRESSION = "an expression";

    /** Rules that users know by name. Every expression level is "an expression". */
    static final Map<Integer, String> RULE_NAMES = Map.ofEntries(
            Map.entry(DlmParser.RULE_topItem, "a declaration or statement"),
            Map.entry(DlmParser.RULE_declaration, "a declaration"),
            Map.entry(DlmParser.RULE_statement, "a statement"),
            Map.entry(DlmParser.RULE_type, "a type"),
            Map.entry(DlmParser.RULE_params, "a parameter"),
            Map.entry(DlmParser.RULE_param, "a parameter"),
            Map.entry(DlmParser.RULE_setting, "a setting"),
            Map.entry(DlmParser.RULE_arguments, EXPRESSION),
            Map.entry(DlmParser.RULE_argument, EXPRESSION),
            Map.entry(DlmParser.RULE_indexItems, "an index"),
            Map.entry(DlmParser.RULE_indexItem, "an index"),
            Map.entry(DlmParser.RULE_expression, EXPRESSION),
            Map.entry(DlmParser.RULE_disjunction, EXPRESSION),
            Map.entry(DlmParser.RULE_conjunction, EXPRESSION),
            Map.entry(DlmParser.RULE_equality, EXPRESSION),
            Map.entry(DlmParser.RULE_comparison, EXPRESSION),
            Map.entry(DlmParser.RULE_additive, EXPRESSION),
            Map.entry(DlmParser.RULE_multiplicative, EXPRESSION),
            Map.entry(DlmParser.RULE_prefixUnary, EXPRESSION),
            Map.entry(DlmParser.RULE_postfixExpr, EXPRESSION),
            Map.entry(DlmParser.RULE_primary, EXPRESSION));

    /**
     * What could come next: named rules and the token types outside them, each in the order first
     * found; and every token type that could come next, named rules expanded.
     */
    record Result(Set<String> names, Set<Integer> tokens, Set<Integer> allTokens) {}

    private Expectations() {}

    /**
     * @param state the ATN state the parser was in
     * @param ctx the rule context it was in (its parents give the return states)
     * @param lookahead the tokens from the parser's position up to (excluding) the offending one
     */
    static Result at(Parser parser, int state, RuleContext ctx, List<Token> lookahead) {
        ATN atn = parser.getATN();
        List<ATNState> returns = new ArrayList<>();
        for (RuleContext c = ctx; c != null && c.invokingState >= 0; c = c.parent) {
            returns.add(((RuleTransition) atn.states.get(c.invokingState).transition(0)).followState);
        }
        Frame stack = null;
        for (int i = returns.size() - 1; i >= 0; i--) stack = new Frame(returns.get(i), stack);

        Result result = new Result(new LinkedHashSet<>(), new LinkedHashSet<>(), new LinkedHashSet<>());
        Set<Config> seeds = Set.of(new Config(atn.states.get(state), stack));
        for (Token t : lookahead) {
            Set<Config> moved = new HashSet<>();
            for (Config c : closure(seeds, null)) {
                for (Transition tr : c.state().getTransitions()) {
                    if (consumes(tr) && tr.matches(t.getType(), Token.MIN_USER_TOKEN_TYPE, atn.maxTokenType)) {
                        moved.add(new Config(tr.target, c.stack()));
                    }
                }
            }
            seeds = moved;
        }
        addTokens(closure(seeds, result), result.tokens());
        addTokens(closure(seeds, null), result.allTokens());
        return result;
    }

    private static void addTokens(Set<Config> configs, Set<Integer> into) {
        for (Config c : configs) {
            for (Transition tr : c.state().getTransitions()) {
                if (!consumes(tr) || tr instanceof NotSetTransition || tr instanceof WildcardTransition) continue;
                for (Interval iv : tr.label().getIntervals()) {
                    for (int type = iv.a; type <= iv.b; type++) into.add(type);
                }
            }
        }
    }

    /**
     * The configurations reachable from {@code seeds} without consuming a token that sit before a
     * token-consuming transition. With {@code names} non-null, named rules are not entered but
     * recorded.
     */
    private static Set<Config> closure(Set<Config> seeds, Result names) {
        Set<Config> visited = new HashSet<>();
        Set<Config> out = new LinkedHashSet<>();
        ArrayList<Config> work = new ArrayList<>(seeds);
        // Depth-first with an explicit stack, in transition order, so results come out in grammar order.
        Collections.reverse(work);
        while (!work.isEmpty()) {
            Config c = work.removeLast();
            if (!visited.add(c)) continue;
            ATNState s = c.state();
            if (s instanceof RuleStopState) {
                // Return to the caller; at the end of the start rule nothing can follow.
                if (c.stack() != null) work.add(new Config(c.stack().follow(), c.stack().next()));
                continue;
            }
            List<Config> next = new ArrayList<>();
            for (Transition tr : s.getTransitions()) {
                if (tr instanceof RuleTransition rt) {
                    String name = names == null ? null : RULE_NAMES.get(rt.target.ruleIndex);
                    if (name != null) names.names().add(name);
                    else next.add(new Config(rt.target, new Frame(rt.followState, c.stack())));
                } else if (tr.isEpsilon()) {
                    next.add(new Config(tr.target, c.stack()));
                } else {
                    out.add(c);
                }
            }
            for (int i = next.size() - 1; i >= 0; i--) work.add(next.get(i));
        }
        return out;
    }

    private static boolean consumes(Transition tr) { return !tr.isEpsilon() && !(tr instanceof RuleTransition); }

    /** A return address on the simulated rule-invocation stack (an immutable list). */
    private record Frame(ATNState follow, Frame next) {}

    private record Config(ATNState state, Frame stack) {}
}
