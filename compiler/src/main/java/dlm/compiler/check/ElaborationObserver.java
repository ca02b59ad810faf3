package dlm.compiler.check;

import dlm.compiler.ast.Ast;
import dlm.compiler.diag.SourceSpan;
import java.util.function.Supplier;

/**
 * Watches an elaboration: the value of every expression evaluated and of every name declared
 * (val, param, state, model input, function and lambda parameter). The language server uses
 * it for hovers; the compiler itself never installs one. An observer is installed for one
 * thread while a body runs ({@link #observing}); each {@link Elaborator} created meanwhile
 * reports to it. A function is inlined at each call, so the same expression may be reported
 * once per call, with different values.
 */
public interface ElaborationObserver {
    void expression(Ast.Expr e, Value v);

    void declared(SourceSpan nameSpan, String name, Value v);

    /** Runs {@code body} with {@code o} watching every elaboration this thread starts. */
    static <T> T observing(ElaborationObserver o, Supplier<T> body) {
        ElaborationObserver before = Holder.CURRENT.get();
        Holder.CURRENT.set(o);
        try {
            return body.get();
        } finally {
            Holder.CURRENT.set(before);
        }
    }

    /** The observer installed on this thread, or null. */
    static ElaborationObserver current() { return Holder.CURRENT.get(); }

    final class Holder {
        private Holder() {}

        private static final ThreadLocal<ElaborationObserver> CURRENT = new ThreadLocal<>();
    }
}
