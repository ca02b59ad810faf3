package dlm.compiler.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dlm.compiler.Frontend;
import dlm.compiler.diag.DlmException;
import org.junit.jupiter.api.Test;

/** The checker's error messages: exact text with line, column, source line and caret. */
class CheckErrorsTest {

    private static String error(String src) {
        DlmException e = assertThrows(DlmException.class, () -> Frontend.compile("t.dlm", src));
        return e.render();
    }

    private static final String DENSE_MODEL = """
            import std.nn.*
            model M(x: f32[batch, 4]) {
                return %s
            }
            """;

    @Test
    void syntaxError() {
        assertEquals("""
                t.dlm:1:14: error: mismatched input ')'; expected an expression
                val x = 1 + ()
                             ^""", error("val x = 1 + ()\n"));
    }

    @Test
    void sliceStepZeroAndBoundsOutOfRange() {
        assertEquals("""
                t.dlm:2:15: error: a slice step must not be 0
                println(x[1:3:0])
                              ^""", error("val x = arange(5)\nprintln(x[1:3:0])\n"));
        assertEquals("""
                t.dlm:2:11: error: slice bound 6 is out of range for axis 0 of i32[5] (size 5)
                println(x[6::-1])
                          ^""", error("val x = arange(5)\nprintln(x[6::-1])\n"));
    }

    @Test
    void unknownName() {
        assertEquals("""
                t.dlm:2:9: error: unknown name 'y'
                val z = y + 1
                        ^""", error("val x = 1\nval z = y + 1\n"));
        assertEquals("""
                t.dlm:2:9: error: unknown name 'vale'; did you mean 'value'?
                val z = vale + 1
                        ^~~~""", error("val value = 1\nval z = vale + 1\n"));
    }

    @Test
    void unknownFunctionInMethodCall() {
        assertEquals("""
                t.dlm:1:18: error: unknown function 'reshap'; did you mean 'reshape'?
                val z = zeros(4).reshap(2, 2)
                                 ^~~~~~""", error("val z = zeros(4).reshap(2, 2)\n"));
    }

    @Test
    void unknownImport() {
        assertEquals("""
                t.dlm:1:1: error: unknown module 'std.vision'; available modules: std.math, std.nn, std.optim
                import std.vision.*
                ^~~~~~~~~~~~~~~~~~~""", error("import std.vision.*\n"));
        assertEquals("""
                t.dlm:1:1: error: module std.nn has no 'denze'; did you mean 'dense'?
                import std.nn.denze
                ^~~~~~~~~~~~~~~~~~~""", error("import std.nn.denze\n"));
    }

    @Test
    void wrongArgumentName() {
        assertEquals("""
                t.dlm:3:21: error: unknown argument 'unit' for dense(x, units, activation, kernelInit, biasInit, kernelRegularizer, biasRegularizer); did you mean 'units'?
                    return dense(x, unit = 3)
                                    ^~~~~~~~""", error(DENSE_MODEL.formatted("dense(x, unit = 3)")));
    }

    @Test
    void missingArgument() {
        assertEquals("""
                t.dlm:3:12: error: missing argument 'units' in a call of dense(x, units, activation, kernelInit, biasInit, kernelRegularizer, biasRegularizer)
                    return dense(x)
                           ^~~~~~~~""", error(DENSE_MODEL.formatted("dense(x)")));
    }

    @Test
    void tooManyArguments() {
        assertEquals("""
                t.dlm:1:22: error: too many arguments for relu(x): expected at most 1, got 2
                val y = relu([1, 2], 3)
                                     ^""", error("val y = relu([1, 2], 3)\n"));
    }

    @Test
    void duplicateDefinition() {
        assertEquals("""
                t.dlm:3:5: error: duplicate definition of 'f' (first defined at t.dlm:1:5)
                fun f(x: Tensor): Tensor = x
                    ^""", error("fun f(x: Tensor): Tensor = x\n\nfun f(x: Tensor): Tensor = x\n"));
        assertEquals("""
                t.dlm:2:5: error: duplicate definition of 'a'
                val a = 2
                    ^""", error("val a = 1\nval a = 2\n"));
    }

    @Test
    void dtypeMismatch() {
        assertEquals("""
                t.dlm:1:16: error: dtype mismatch: i32[2] and f32[2]
                val z = [1, 2] + [1.5, 2.5]
                               ^""", error("val z = [1, 2] + [1.5, 2.5]\n"));
        assertEquals("""
                t.dlm:3:18: error: dtype mismatch: argument 'x' of dense expects f32[n, i], got u8[batch, 4]
                    return dense(x, units = 2)
                                 ^""", error(DENSE_MODEL.replace("f32[batch, 4]", "u8[batch, 4]").formatted("dense(x, units = 2)")));
    }

    @Test
    void broadcastMismatch() {
        assertEquals("""
                t.dlm:1:18: error: cannot broadcast f32[3] with f32[4]: axis 0 is 3 vs 4
                val z = zeros(3) + zeros(4)
                                 ^""", error("val z = zeros(3) + zeros(4)\n"));
    }

    @Test
    void tensorProductMismatch() {
        assertEquals("""
                t.dlm:1:21: error: cannot multiply f32[3, 4] @ f32[5, 2]: contracted axes are 4 vs 5
                val z = zeros(3, 4) @ zeros(5, 2)
                                    ^""", error("val z = zeros(3, 4) @ zeros(5, 2)\n"));
    }

    @Test
    void reshapeSizeMismatch() {
        assertEquals("""
                t.dlm:1:9: error: cannot reshape f32[3, 2] (6 elements) to [4, 2] (8 elements)
                val z = zeros(3, 2).reshape(4, 2)
                        ^~~~~~~~~~~~~~~~~~~~~~~~~""", error("val z = zeros(3, 2).reshape(4, 2)\n"));
    }

    @Test
    void sliceOutOfRange() {
        assertEquals("""
                t.dlm:1:26: error: slice bound 100 is out of range for axis 0 of f32[60, 28] (size 60)
                val z = zeros(60, 28)[10:100]
                                         ^~~""", error("val z = zeros(60, 28)[10:100]\n"));
        assertEquals("""
                t.dlm:1:25: error: index 5 is out of range for axis 0 of i32[5] (size 5)
                val z = [1, 2, 3, 4, 5][5]
                                        ^""", error("val z = [1, 2, 3, 4, 5][5]\n"));
    }

    @Test
    void functionArgumentShapeMismatch() {
        assertEquals("""
                t.dlm:2:21: error: shape mismatch: argument 'b' of f expects f32[n], got f32[4]: axis 0 is 3 vs 4
                val z = f(zeros(3), zeros(4))
                                    ^~~~~~~~""", error("fun f(a: f32[n], b: f32[n]): f32[n] = a + b\nval z = f(zeros(3), zeros(4))\n"));
    }

    @Test
    void paramOutsideFunction() {
        assertEquals("""
                t.dlm:1:1: error: param is only allowed inside a fun or model
                param w: f32 = 3
                ^~~~~~~~~~~~~~~~""", error("param w: f32 = 3\n"));
    }

    @Test
    void trainBlockErrors() {
        String base = "import std.nn.*\nmodel M(images: u8[batch, 28, 28]) {\n    return dense(images.reshape(batch, 784).toF32(), units = 10, activation = ::softmax)\n}\n";
        assertEquals("""
                t.dlm:5:28: error: unknown train setting 'epoch'; did you mean 'epochs'? (settings: %s)
                train(M) { data = mnist(); epoch = 5; loss = ::sparseCategoricalCrossentropy; optimizer = adam() }
                                           ^~~~~""".formatted(String.join(", ", TrainConfig.acceptedKeys())),
                error(base + "train(M) { data = mnist(); epoch = 5; loss = ::sparseCategoricalCrossentropy; optimizer = adam() }\n"));
        assertEquals("""
                t.dlm:5:7: error: unknown model 'N'
                train(N) { data = mnist() }
                      ^""", error(base + "train(N) { data = mnist() }\n"));
        assertEquals("""
                t.dlm:5:1: error: train(M) needs an 'optimizer' setting: an optimizer such as adam(learningRate = 1e-3)
                train(M) { data = mnist(); loss = ::accuracy }
                ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~""",
                error(base + "train(M) { data = mnist(); loss = ::accuracy }\n"));
    }

    @Test
    void modelInputMustFitTheDataset() {
        String src = "import std.nn.*\nmodel M(x: f32[batch, 784]) {\n    return dense(x, units = 10, activation = ::softmax)\n}\n"
                + "train(M) { data = mnist(); loss = ::sparseCategoricalCrossentropy; optimizer = adam() }\n";
        assertEquals("""
                t.dlm:5:19: error: mnist() gives batches of u8[batch, 28, 28] images, but model M takes [x: f32[batch, 784]]
                train(M) { data = mnist(); loss = ::sparseCategoricalCrossentropy; optimizer = adam() }
                                  ^~~~~~~""", error(src));
    }
}
