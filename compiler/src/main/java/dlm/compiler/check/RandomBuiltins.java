package dlm.compiler.check;

import static dlm.compiler.check.Builtins.define;
import static dlm.compiler.check.Builtins.num;
import static dlm.compiler.check.Builtins.opt;
import static dlm.compiler.check.Builtins.req;
import static dlm.compiler.check.Builtins.rest;

import dlm.compiler.check.Builtins.Call;
import dlm.compiler.check.Value.*;
import dlm.compiler.diag.DlmException;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.runtime.DType;
import dlm.runtime.random.Philox;
import java.util.List;

/**
 * Run-time random tensors, drawn anew at every train step: {@code randomUniform(shape…, min, max)},
 * {@code randomNormal(shape…, mean, stddev)} and {@code bernoulli(p, shape…)}, with symbolic dims
 * such as {@code batch}. Each call site is its own stream, named after the frame it is elaborated
 * in ({@code h.bernoulli} inside {@code val h = dropout(…)}); values depend only on the seed,
 * the stream, the step and the element's index ({@link Philox}). Keras's formulas:
 * {@code min + (max − min)·u} and {@code mean + stddev·z}; bernoulli is 1 where {@code u < p}.
 */
final class RandomBuiltins {
    private RandomBuiltins() {}

    static void register() {
        define("randomUniform", c -> {
            Node u = draw(c, "randomUniform");
            Value min = c.arg("min"), max = c.arg("max");
            if (min instanceof NumberV a && max instanceof NumberV b) {
                if (!(a.value() <= b.value()))
                    throw new DlmException(c.spanOf("max"), "randomUniform needs min <= max, got min " + Show.number(a.value()) + " and max " + Show.number(b.value()));
                if (a.value() == 0 && b.value() == 1) return new TensorV(u);
            }
            Node lo = c.el().tensorLike(min, u.type().dtype(), c.spanOf("min"));
            Node hi = c.el().tensorLike(max, u.type().dtype(), c.spanOf("max"));
            return new TensorV(c.el().op("add", c.span(), c.el().op("mul", c.span(), u, c.el().op("sub", c.span(), hi, lo)), lo));
        }, rest("shape"), opt("min", num(0)), opt("max", num(1)), opt("dtype", new DTypeV(DType.F32)));
        define("randomNormal", c -> {
            Node z = draw(c, "randomNormal");
            Value mean = c.arg("mean"), sd = c.arg("stddev");
            if (sd instanceof NumberV s && !(s.value() >= 0))
                throw new DlmException(c.spanOf("stddev"), "randomNormal needs stddev >= 0, got " + Show.number(s.value()));
            if (mean instanceof NumberV m && m.value() == 0 && sd instanceof NumberV s && s.value() == 1) return new TensorV(z);
            Node m = c.el().tensorLike(mean, z.type().dtype(), c.spanOf("mean"));
            Node s = c.el().tensorLike(sd, z.type().dtype(), c.spanOf("stddev"));
            return new TensorV(c.el().op("add", c.span(), c.el().op("mul", c.span(), z, s), m));
        }, rest("shape"), opt("mean", num(0)), opt("stddev", num(1)), opt("dtype", new DTypeV(DType.F32)));
        define("bernoulli", c -> {
            Value p = c.arg("p");
            if (p instanceof NumberV n && !(n.value() >= 0 && n.value() <= 1))
                throw new DlmException(c.spanOf("p"), "bernoulli needs a probability p in [0, 1], got " + Show.number(n.value()));
            DType d = c.dtypeArg("dtype");
            Node u = draw(c, "bernoulli", d.isFloating() ? d : DType.F32);
            Node pn = c.el().tensorLike(p, u.type().dtype(), c.spanOf("p"));
            Node hit = c.el().op("less", c.span(), u, pn);
            return new TensorV(d == DType.BOOL ? hit : c.op("cast", Attrs.of("dtype", d), hit));
        }, req("p"), rest("shape"), opt("dtype", new DTypeV(DType.F32)));
    }

    private static Node draw(Call c, String what) { return draw(c, what, c.dtypeArg("dtype")); }

    /** A randomUniform/randomNormal node of the call's shape, in a stream of its own. */
    private static Node draw(Call c, String what, DType d) {
        if (d != DType.F32 && d != DType.F64)
            throw new DlmException(c.spanOf("dtype"), what + " makes f32 or f64 values, not " + d.dlmName());
        Shape s = TensorBuiltins.shapeArgs(c, false).shape();
        int stream = c.el().uniqueStream(c.frame().qualify(what));
        String op = what.equals("randomNormal") ? "randomNormal" : "randomUniform";
        Attrs a = Attrs.of("shape", s, "dtype", d, "stream", stream);
        return c.el().op(op, List.of(RuntimeInputs.seed(c.el(), c.span()), RuntimeInputs.step(c.el(), c.span())), a, c.span());
    }
}
