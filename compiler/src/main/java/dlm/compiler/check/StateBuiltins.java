package dlm.compiler.check;

import static dlm.compiler.check.Builtins.define;
import static dlm.compiler.check.Builtins.req;

import dlm.compiler.check.Value.*;
import dlm.compiler.diag.DlmException;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Node;

/**
 * {@code assign(state, value)}: the value a {@code state} (a non-trainable weight, such as batch
 * normalization's moving mean) takes after each train step, Keras's {@code Variable.assign}. It
 * is recorded, not evaluated: the train step writes it into the state's array (the forward pass
 * of that step still reads the old value); eval, predict, {@code dlmc run} and {@code grad} leave
 * states unchanged. A value of the state's dtype and shape (a scalar is broadcast); one
 * assignment per state.
 */
final class StateBuiltins {
    private StateBuiltins() {}

    static void register() {
        define("assign", c -> {
            if (!(c.arg("state") instanceof TensorV t) || !t.node().is("param") || t.node().attrs().getBool("trainable", true))
                throw new DlmException(c.spanOf("state"), "assign needs a state (declared with 'state name: type = init'), got "
                        + (c.arg("state") instanceof TensorV t2 && t2.node().is("param") ? "the trainable param " + t2.node().name() : c.arg("state").describe()));
            Node s = t.node();
            Node v = c.el().tensorLike(c.arg("value"), s.type().dtype(), c.spanOf("value"));
            if (v.type().dtype() != s.type().dtype())
                throw new DlmException(c.spanOf("value"), "assign to state " + s.name() + " of type " + s.type() + " needs a value of dtype " + s.type().dtype().dlmName() + ", got " + v.type());
            if (v.type().rank() == 0 && s.type().rank() > 0) v = c.op("broadcastTo", Attrs.of("shape", s.type().shape()), v);
            if (!v.type().shape().equals(s.type().shape()))
                throw new DlmException(c.spanOf("value"), "assign to state " + s.name() + " of type " + s.type() + " needs a value of its shape, got " + v.type());
            c.el().assign(s, v, c.span());
            return new UnitV();
        }, req("state"), req("value"));
    }
}
