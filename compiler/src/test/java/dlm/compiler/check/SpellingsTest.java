package dlm.compiler.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.Frontend;
import dlm.compiler.ops.ElementwiseOp;
import dlm.compiler.ops.Op;
import dlm.compiler.ops.OpRegistry;
import dlm.compiler.ops.Spelling;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The checker's operator table and element-wise prelude functions are derived from the ops'
 * spellings in the registry (the printer's forms are, too: DlmSourceRoundTripTest prints and
 * re-reads a graph of every op), and compile-time numbers go through the op's own function.
 */
class SpellingsTest {
    @Test
    void everyFunctionSpelledOpIsAPreludeFunction() {
        Set<String> prelude = Builtins.prelude().visibleNames();
        int calls = 0;
        for (Op op : OpRegistry.all()) {
            if (op.spelling().form() != Spelling.Form.CALL) continue;
            calls++;
            assertTrue(prelude.contains(op.spelling().text()), op.name() + " is spelled " + op.spelling().text() + "(…) but the prelude has no such function");
        }
        assertTrue(calls >= 18, "the element-wise functions (abs … erf, maximum, pow, where): " + calls);
        for (String f : new String[] {"erf", "log1p", "expm1", "sigmoid", "maximum", "where"}) assertTrue(prelude.contains(f), f);
    }

    @Test
    void operatorTablesAreTheSpellings() {
        Map<String, String> infix = new HashMap<>(), prefix = new HashMap<>();
        for (Op op : OpRegistry.all()) {
            if (op.spelling().form() == Spelling.Form.INFIX) infix.put(op.spelling().text(), op.name());
            if (op.spelling().form() == Spelling.Form.PREFIX) prefix.put(op.spelling().text(), op.name());
        }
        assertEquals(infix, Operators.BINARY_OPS);
        assertEquals(Map.of("-", "neg", "!", "not"), Operators.PREFIX_OPS);
        assertEquals("matmul", Operators.BINARY_OPS.get("@"));
        assertEquals(14, Operators.BINARY_OPS.size());
    }

    /** Every element-wise function on compile-time numbers is the op's own function, bit for bit. */
    @Test
    void numbersUseTheOpsOwnFunction() {
        for (Op op : OpRegistry.all()) {
            if (!(op instanceof ElementwiseOp e) || op.spelling().form() != Spelling.Form.CALL || !e.appliesToNumbers()) continue;
            String call = e.arity() == 1 ? op.spelling().text() + "(0.3)" : op.spelling().text() + "(0.7, 1.3)";
            double want = e.arity() == 1 ? e.onNumbers(0.3) : e.onNumbers(0.7, 1.3);
            assertEquals(want, value(call), call);
        }
        // The stable sigmoid: the naive 1 / (1 + e^-x) of the old prelude lambda differs in the last bit here.
        assertEquals(0.4501660026875221, value("sigmoid(-0.2)")); // e^x / (1 + e^x); the naive form gives …216
        assertEquals(0.5204998778130465, value("erf(0.5)")); // Python 3.11 math.erf(0.5)
        assertEquals(1024.0, value("pow(2, 10)"));
    }

    private static double value(String expr) {
        var p = Frontend.compile("n.dlm", "model M() {\n    val v = " + expr + "\n    return tensor(v, dtype = f64)\n}\n");
        return ((dlm.compiler.ir.Node) p.models().get("M").graph().output("output")).attrs().getTensor("value").getDouble(0);
    }
}
