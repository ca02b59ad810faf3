package dlm.compiler.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The checker looks these ops up by name: each must be registered under exactly that name. */
class RegisteredOpsTest {
    @ParameterizedTest
    @ValueSource(strings = {
        "add", "sub", "mul", "div", "maximum", "minimum", "pow", "mod",
        "less", "lessEqual", "greater", "greaterEqual", "equal", "notEqual", "and", "or", "not",
        "neg", "abs", "relu", "square", "sign", "exp", "log", "sqrt", "tanh", "sigmoid", "sin", "cos",
        "where", "cast", "sum", "mean", "max", "min", "argmax", "argmin", "softmax", "logSoftmax", "oneHot"})
    void registeredUnderItsName(String name) {
        assertEquals(name, OpRegistry.get(name).name());
    }
}
