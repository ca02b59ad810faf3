package dlm.compiler.check;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.Frontend;
import dlm.compiler.diag.DlmException;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.runtime.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The convolution and pooling builtins and std.nn's layers: Keras's arguments resolved to the ops'
 * attrs ("same" by TensorFlow's rule), located errors for bad arguments, the layers' params and
 * their Glorot initialization with convolution fans, the sequential builder.
 */
class ConvBuiltinsTest {

    private static Graph model(String body) {
        return Frontend.compile("t.dlm", "import std.nn.*\nmodel M(x: f32[batch, %s]) {\n    return %s\n}\n".formatted(body.split("\\|")[0], body.split("\\|")[1]))
                .models().get("M").graph();
    }

    private static String error(String src) { return assertThrows(DlmException.class, () -> Frontend.compile("t.dlm", src)).render(); }

    @Test
    void sameFollowsTensorFlowsRule() {
        // 4x4, 3x3 kernel, stride 2: out = ceil(4/2) = 2, total = (2-1)·2 + 3 - 4 = 1: the extra row at the bottom.
        Node y = model("4, 4, 1|conv(x, zeros(3, 3, 1, 2), strides = 2, padding = \"same\")").output("output");
        assertEquals("f32[batch, 2, 2, 2]", y.type().toString());
        assertArrayEquals(new int[] {0, 1, 0, 1}, y.attrs().getInts("padding"));
        // 5x5, stride 2: out 3, total = 2·2 + 3 - 5 = 2, one each side; dilation 2, stride 1: total 4.
        assertArrayEquals(new int[] {1, 1, 1, 1}, model("5, 5, 1|conv(x, zeros(3, 3, 1, 2), strides = [2, 2], padding = \"same\")").output("output").attrs().getInts("padding"));
        Node d = model("5, 6, 1|conv(x, zeros(3, 3, 1, 2), padding = \"same\", dilation = 2)").output("output");
        assertArrayEquals(new int[] {2, 2, 2, 2}, d.attrs().getInts("padding"));
        assertEquals("f32[batch, 5, 6, 2]", d.type().toString());
        // Pooling: strides default to the pool; "same" pads the bottom/right of an odd size.
        Node p = model("5, 5, 3|maxPool2d(x, 2, padding = \"same\")").output("output");
        assertEquals("f32[batch, 3, 3, 3]", p.type().toString());
        assertArrayEquals(new int[] {2, 2}, p.attrs().getInts("strides"));
        assertArrayEquals(new int[] {0, 1, 0, 1}, p.attrs().getInts("padding"));
        assertEquals("f32[batch, 4, 2, 3]", model("5, 5, 3|avgPool2d(x, [2, 3], strides = [1, 2])").output("output").type().toString());
    }

    @Test
    void flattenAndGlobalPoolingKeepTheBatch() {
        assertEquals("f32[batch, 1152]", model("3, 3, 128|flatten(x)").output("output").type().toString());
        assertEquals("f32[batch, 128]", model("3, 3, 128|globalAveragePooling2d(x)").output("output").type().toString());
        assertEquals(List.of("array([[6., 8.]])", "array([[0., 1., 2., 3., 4., 5., 6., 7.]])", "array([[[[ 5.],\n         [ 7.]],\n\n        [[13.],\n         [15.]]]])"),
                LanguageTest.run("""
                        val x = arange(8, dtype = f32).reshape(1, 2, 2, 2)
                        println(globalAveragePool2d(x) * 2f)
                        println(flatten(x))
                        println(maxPool2d(arange(16, dtype = f32).reshape(1, 4, 4, 1), 2))
                        """));
    }

    @Test
    void theConvLayerHasAnHwioKernelWithGlorotFans() {
        Graph g = model("9, 9, 2|conv2d(x, filters = 4, kernelSize = [3, 5], strides = 2, padding = \"same\", activation = ::relu)");
        assertEquals("f32[batch, 5, 5, 4]", g.output("output").type().toString());
        assertEquals("relu", g.output("output").opName());
        assertEquals(List.of("output.W", "output.b"), g.params().stream().map(Node::name).toList());
        assertEquals("f32[3, 5, 2, 4]", g.params().get(0).type().toString());
        // Keras's fans of a conv kernel: in = 3·5·2 = 30, out = 3·5·4 = 60, so the Glorot limit is sqrt(6 / 90).
        Tensor w = ParamStore.initialize(g, 1).get("output.W");
        double limit = Math.sqrt(6.0 / 90), max = 0;
        for (int i = 0; i < w.size(); i++) max = Math.max(max, Math.abs(w.getDouble(i)));
        assertTrue(max < limit && max > 0.9 * limit, "max |w| = " + max + ", limit " + limit);
    }

    @Test
    void sequentialTakesConvLayers() {
        Graph g = model("28, 28, 1|sequential(x) {\n"
                + "        conv2d(8, 3, activation = ::relu)\n        maxPooling2d(2)\n        averagePooling2d(2, padding = \"same\")\n"
                + "        globalAveragePooling2d()\n        flatten()\n        dense(10, ::softmax)\n    }");
        assertEquals("f32[batch, 10]", g.output("output").type().toString());
        assertEquals(List.of("conv2d.W", "conv2d.b", "dense.W", "dense.b"), g.params().stream().map(Node::name).toList());
    }

    @Test
    void theConvModelTrainsItsKerasShapes() {
        // 28 → 26 → 13 → 11 → 5 → 3: the book's convnet.
        Graph g = model("28, 28, 1|sequential(x) {\n        conv2d(32, 3, activation = ::relu)\n        maxPooling2d(2)\n"
                + "        conv2d(64, 3, activation = ::relu)\n        maxPooling2d(2)\n        conv2d(128, 3, activation = ::relu)\n        flatten()\n    }");
        assertEquals("f32[batch, 1152]", g.output("output").type().toString());
    }

    @Test
    void badArgumentsAreErrorsAtTheArgument() {
        String conv = "val x = zeros(1, 5, 5, 1)\nval k = zeros(3, 3, 1, 2)\nval y = conv2d(x, k, %s)\n";
        assertEquals("""
                t.dlm:3:22: error: padding must be "valid" or "same", got "foo"
                val y = conv2d(x, k, padding = "foo")
                                     ^~~~~~~~~~~~~~~""", error(conv.formatted("padding = \"foo\"")));
        assertEquals("""
                t.dlm:3:22: error: strides must be 1 or more, got 0
                val y = conv2d(x, k, strides = 0)
                                     ^~~~~~~~~~~""", error(conv.formatted("strides = 0")));
        assertEquals("""
                t.dlm:3:22: error: strides must be one Int or a list of two (height, width), got 3 numbers
                val y = conv2d(x, k, strides = [1, 2, 3])
                                     ^~~~~~~~~~~~~~~~~~~""", error(conv.formatted("strides = [1, 2, 3]")));
        assertEquals("""
                t.dlm:3:22: error: dilation must be 1 or more, got -1
                val y = conv2d(x, k, dilation = [1, -1])
                                     ^~~~~~~~~~~~~~~~~~""", error(conv.formatted("dilation = [1, -1]")));
        assertEquals("""
                t.dlm:3:22: error: padding must be "valid" or "same", got an Int
                val y = conv2d(x, k, padding = 1)
                                     ^~~~~~~~~~~""", error(conv.formatted("padding = 1")));
        assertEquals("""
                t.dlm:2:9: error: conv2d: kernel 3x3 does not fit input 2x2 with padding "valid"
                val y = conv2d(x, zeros(3, 3, 1, 2))
                        ^~~~~~~~~~~~~~~~~~~~~~~~~~~~""", error("val x = zeros(1, 2, 2, 1)\nval y = conv2d(x, zeros(3, 3, 1, 2))\n"));
        assertEquals("""
                t.dlm:2:22: error: poolSize must be 1 or more, got 0
                val y = maxPool2d(x, [0, 2])
                                     ^~~~~~""", error("val x = zeros(1, 2, 2, 1)\nval y = maxPool2d(x, [0, 2])\n"));
        assertTrue(error("val y = globalAveragePool2d(zeros(2, 2))\n").startsWith(
                "t.dlm:1:29: error: globalAveragePool2d needs a 4-D tensor [batch, height, width, channels] (NHWC), got f32[2, 2]"));
    }

    @Test
    void layerErrorsAreReportedAtTheUsersCall() {
        String err = error("import std.nn.*\nmodel M(x: f32[batch, 5, 5, 3]) {\n    return conv2d(x, filters = 2, kernelSize = [3])\n}\n");
        assertTrue(err.startsWith("t.dlm:3:12: error: in this call of conv2d: kernelSize must be one Int or a list of two (height, width), got 1 numbers (raised at <std.nn>:"), err);
        err = error("import std.nn.*\nmodel M(x: f32[batch, 2, 2, 3]) {\n    return conv2d(x, filters = 2, kernelSize = 3)\n}\n");
        assertTrue(err.startsWith("t.dlm:3:12: error: conv2d: kernel 3x3 does not fit input 2x2 with padding \"valid\""), err);
        // The layer shadows the primitive (reachable as conv): a kernel tensor in its place shows the layer's signature.
        err = error("import std.nn.*\nmodel M(x: f32[batch, 5, 5, 3]) {\n    return conv2d(x, zeros(3, 3, 3, 2))\n}\n");
        assertTrue(err.startsWith("t.dlm:3:12: error: missing argument 'kernelSize' in a call of conv2d(x, filters, kernelSize, strides, padding, activation, kernelInit, biasInit, kernelRegularizer, biasRegularizer)"), err);
        err = error("import std.nn.*\nmodel M(x: f32[batch, 5, 5, 3]) {\n    return conv2d(x, zeros(3, 3, 3, 2), 3)\n}\n");
        assertTrue(err.contains("argument 'filters' of conv2d expects an Int"), err);
    }
}
