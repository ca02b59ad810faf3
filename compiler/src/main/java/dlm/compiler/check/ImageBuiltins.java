package dlm.compiler.check;

import static dlm.compiler.check.Builtins.define;
import static dlm.compiler.check.Builtins.num;
import static dlm.compiler.check.Builtins.opt;
import static dlm.compiler.check.Builtins.req;

import dlm.compiler.check.Builtins.Call;
import dlm.compiler.check.Value.*;
import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceSpan;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Node;
import dlm.runtime.exec.ImageTransform;
import java.util.List;

/**
 * The surface of the image augmentation layers of std.nn: {@code affineTransform(images,
 * transforms, interpolation = "bilinear", fillMode = "constant", fillValue = 0)} (Keras 3's
 * {@code keras.ops.image.affine_transform}, the {@code imageTransform} op), and
 * {@code factorRange(factor, name)}, Keras's reading of a layer's factor: a number f is
 * [−|f|, |f|], a list of two numbers is sorted; every number in [−1, 1] (randomZoom's widthFactor
 * "height", Keras's None, reads the factor given as {@code height}). A bad argument is an
 * error at the user's call.
 */
final class ImageBuiltins {
    private ImageBuiltins() {}

    static final List<String> INTERPOLATIONS = List.of("nearest", "bilinear");
    static final List<String> FILL_MODES = List.of("reflect", "wrap", "constant", "nearest");

    static void register() {
        define("affineTransform", c -> {
            Node x = c.tensor("images");
            Node t = c.tensor("transforms");
            int interp = choice(c, "interpolation", INTERPOLATIONS);
            int mode = switch (choice(c, "fillMode", FILL_MODES)) {
                case 0 -> ImageTransform.REFLECT;
                case 1 -> ImageTransform.WRAP;
                case 2 -> ImageTransform.CONSTANT;
                default -> ImageTransform.FILL_NEAREST;
            };
            Node fill = c.el().tensorLike(c.arg("fillValue"), x.type().dtype(), c.spanOf("fillValue"));
            return new TensorV(c.op("imageTransform", Attrs.of("interpolation", interp == 0 ? ImageTransform.NEAREST : ImageTransform.BILINEAR,
                    "fillMode", mode), x, t, fill));
        }, req("images"), req("transforms"), opt("interpolation", new StringV("bilinear")), opt("fillMode", new StringV("constant")),
                opt("fillValue", num(0)));

        define("factorRange", c -> {
            String what = c.arg("name") instanceof StringV s ? s.value() : "factor";
            Value v = c.arg("factor");
            if (v instanceof StringV s && s.value().equals("height") && c.given("height")) v = c.arg("height");
            SourceSpan at = c.el().userSpan(c.spanOf("factor"));
            if (v instanceof NumberV n) {
                double f = bounded(n.value(), what, at);
                return new ListV(List.of(number(-Math.abs(f)), number(Math.abs(f))));
            }
            if (v instanceof TensorV t && t.node().is("constant") && t.node().type().rank() == 1 && t.node().type().shape().dim(0).equals(Dim.of(2))) {
                double[] p = t.node().attrs().getTensor("value").toDoubles();
                v = new ListV(List.of(number(p[0]), number(p[1])));
            }
            if (v instanceof ListV l && l.items().size() == 2 && l.items().get(0) instanceof NumberV a && l.items().get(1) instanceof NumberV b) {
                double lo = bounded(a.value(), what, at), hi = bounded(b.value(), what, at);
                return new ListV(List.of(number(Math.min(lo, hi)), number(Math.max(lo, hi))));
            }
            throw new DlmException(at, what + " must be a number or a list of two numbers, got " + v.describe());
        }, req("factor"), opt("name", new StringV("factor")), opt("height"));
    }

    private static NumberV number(double v) { return new NumberV(v, false, null); }

    private static double bounded(double v, String what, SourceSpan at) {
        if (!(v >= -1 && v <= 1)) throw new DlmException(at, what + " must be in [-1, 1], got " + Show.number(v));
        return v;
    }

    /** The index in {@code options} of string argument {@code name}, or a located error naming them. */
    private static int choice(Call c, String name, List<String> options) {
        Value v = c.arg(name);
        int i = v instanceof StringV s ? options.indexOf(s.value()) : -1;
        if (i < 0) {
            StringBuilder b = new StringBuilder();
            for (int k = 0; k < options.size(); k++) b.append(k == 0 ? "" : k == options.size() - 1 ? " or " : ", ").append('"').append(options.get(k)).append('"');
            String got = v instanceof StringV s ? "\"" + s.value() + "\"" : v.describe();
            throw new DlmException(c.el().userSpan(c.spanOf(name)), name + " must be " + b + ", got " + got);
        }
        return i;
    }
}
