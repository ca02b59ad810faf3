package dlm.compiler.check;

import static dlm.compiler.check.Builtins.define;
import static dlm.compiler.check.Builtins.integer;
import static dlm.compiler.check.Builtins.opt;
import static dlm.compiler.check.Builtins.req;

import dlm.compiler.check.Builtins.Call;
import dlm.compiler.check.Value.*;
import dlm.compiler.diag.DlmException;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import java.util.List;

/**
 * The surface of the convolution and pooling ops: {@code conv2d} (also named {@code conv}, Keras
 * 3's {@code keras.ops.conv}, so that std.nn's layer {@code conv2d} can reach it), {@code maxPool2d},
 * {@code avgPool2d}, {@code globalAveragePool2d} and {@code flatten}. They turn Keras's
 * arguments — an Int or a pair for sizes, {@code "valid"} or {@code "same"} — into the ops'
 * explicit attrs; a bad argument is an error at that argument.
 */
final class ConvBuiltins {
    private ConvBuiltins() {}

    static void register() {
        for (String name : List.of("conv2d", "conv")) define(name, c -> {
            Node x = c.tensor("x"), k = c.tensor("kernel");
            int[] strides = pair(c, "strides"), dilation = pair(c, "dilation");
            int[] window = k.type().rank() == 4 ? knownPair(k, 0) : null;
            int[] padding = padding(c, x, window, strides, dilation);
            return new TensorV(c.op("conv2d", Attrs.of("strides", strides, "dilation", dilation, "padding", padding), x, k));
        }, req("x"), req("kernel"), opt("strides", integer(1)), opt("padding", new StringV("valid")), opt("dilation", integer(1)));

        for (String op : List.of("maxPool2d", "avgPool2d")) define(op, c -> {
            Node x = c.tensor("x");
            int[] pool = pair(c, "poolSize");
            int[] strides = c.given("strides") ? pair(c, "strides") : pool.clone();
            int[] padding = padding(c, x, pool, strides, new int[] {1, 1});
            return new TensorV(c.op(op, Attrs.of("pool", pool, "strides", strides, "padding", padding), x));
        }, req("x"), req("poolSize"), opt("strides"), opt("padding", new StringV("valid")));

        // pairOf(3) = [3, 3], pairOf([3, 5]) = [3, 5]: a size given as Keras gives it, as two Ints
        // known at compile time (std.nn's conv2d sizes its kernel with it); name words the errors.
        define("pairOf", c -> {
            String what = c.arg("name") instanceof StringV s ? s.value() : "value";
            int[] p = pair(c, "value", what);
            return new ListV(List.of(integer(p[0]), integer(p[1])));
        }, req("value"), opt("name", new StringV("value")));

        // The mean over the spatial axes of an NHWC tensor: [N, H, W, C] → [N, C].
        define("globalAveragePool2d", c -> {
            Node x = c.tensor("x");
            if (x.type().rank() != 4)
                throw new DlmException(c.spanOf("x"), "globalAveragePool2d needs a 4-D tensor [batch, height, width, channels] (NHWC), got " + x.type());
            return new TensorV(c.op("mean", Attrs.of("axes", new int[] {1, 2}, "keepdims", false), x));
        }, req("x"));

        // Keeps axis 0 and flattens the rest, Keras's Flatten: f32[batch, 3, 3, 128] → f32[batch, 1152].
        define("flatten", c -> {
            Node x = c.tensor("x");
            if (x.type().rank() == 0) throw new DlmException(c.spanOf("x"), "flatten needs a tensor of rank 1 or more (it keeps axis 0), got " + x.type());
            Dim rest = Dim.of(1);
            for (int a = 1; a < x.type().rank(); a++) rest = rest.times(x.type().shape().dim(a));
            return new TensorV(c.op("reshape", Attrs.of("shape", Shape.of(x.type().shape().dim(0), rest)), x));
        }, req("x"));
    }

    /**
     * A size or step along height and width: one Int for both, or a list of two; each 1 or more
     * (Keras's {@code normalize_tuple}).
     */
    static int[] pair(Call c, String name) { return pair(c, name, name); }

    /** {@link #pair} of argument {@code name}, called {@code what} in messages. */
    static int[] pair(Call c, String name, String what) {
        Value v = c.arg(name);
        List<Value> items = v instanceof ListV l ? l.items()
                : v instanceof TensorV t && t.node().is("constant") && t.node().type().rank() == 1 && t.node().type().dtype().isInteger()
                        ? TensorBuiltins.constInts(t.node()) : List.of(v);
        if (items.size() != 2 && !(items.size() == 1 && items.get(0) == v))
            throw new DlmException(c.spanOf(name), what + " must be one Int or a list of two (height, width), got " + items.size() + " numbers");
        int[] out = new int[2];
        for (int i = 0; i < 2; i++) {
            long n = Elaborator.intValue(items.get(Math.min(i, items.size() - 1)), c.spanOf(name), "'" + what + "'");
            if (n < 1 || n > Integer.MAX_VALUE) throw new DlmException(c.spanOf(name), what + " must be 1 or more, got " + n);
            out[i] = (int) n;
        }
        return out;
    }

    /**
     * The explicit padding (top, bottom, left, right) of {@code "valid"} (none) or {@code "same"}:
     * TensorFlow's rule, with {@code out = ceil(in / stride)} and
     * {@code total = max((out − 1)·stride + (window − 1)·dilation + 1 − in, 0)}, the smaller half
     * on top (left). When the input or window has no known size, no padding: the op then says why.
     */
    static int[] padding(Call c, Node x, int[] window, int[] strides, int[] dilation) {
        if (!(c.arg("padding") instanceof StringV s) || !(s.value().equals("valid") || s.value().equals("same")))
            throw new DlmException(c.spanOf("padding"), "padding must be \"valid\" or \"same\", got " + show(c.arg("padding")));
        int[] p = new int[4];
        if (s.value().equals("valid") || window == null || x.type().rank() != 4) return p;
        int[] in = knownPair(x, 1);
        if (in == null) return p;
        for (int a = 0; a < 2; a++) {
            long out = (in[a] + (long) strides[a] - 1) / strides[a];
            long total = Math.max((out - 1) * strides[a] + (long) (window[a] - 1) * dilation[a] + 1 - in[a], 0);
            if (total > Integer.MAX_VALUE) throw new DlmException(c.spanOf("padding"), "padding \"same\" would need " + total + " cells, more than an axis can hold");
            p[2 * a] = (int) (total / 2);
            p[2 * a + 1] = (int) (total - total / 2);
        }
        return p;
    }

    private static String show(Value v) { return v instanceof StringV s ? "\"" + s.value() + "\"" : v.describe(); }

    /** Axes {@code from} and {@code from + 1} of a value, or null when either is symbolic. */
    private static int[] knownPair(Node n, int from) {
        Dim a = n.type().shape().dim(from), b = n.type().shape().dim(from + 1);
        return a.isKnown() && b.isKnown() && a.coefficient() <= Integer.MAX_VALUE && b.coefficient() <= Integer.MAX_VALUE
                ? new int[] {(int) a.coefficient(), (int) b.coefficient()} : null;
    }
}
