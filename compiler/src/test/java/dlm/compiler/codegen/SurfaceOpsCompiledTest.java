package dlm.compiler.codegen;

import dlm.compiler.Frontend;
import dlm.compiler.autodiff.Autodiff;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The surface functions of issue 11 (std.math, stack, pad, negative-step slices, gathering,
 * sorting, topK, cumsum, prod) as written in DLM on f32 and f64: forward and gradient compiled
 * against the reference interpreter, exactly (CodegenTestSupport's rule). Inputs have ties
 * (values rounded to halves) and a NaN-free range.
 */
class SurfaceOpsCompiledTest {

    static List<String> expressions() {
        return dlm.compiler.autodiff.SurfaceGradientsTestExpressions.LIST;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("expressions")
    void compiledMatchesInterpreted(String expr) {
        for (String dtype : List.of("f32", "f64")) {
            var p = Frontend.compile("s.dlm", """
                    import std.math.*
                    model S(z: %s[3, 5]) {
                        return %s
                    }
                    """.formatted(dtype, expr));
            Graph g = p.models().get("S").graph();
            Node z = g.inputs().stream().filter(n -> n.name().equals("z")).findFirst().orElseThrow();
            Node out = g.output("output");
            Random r = new Random(expr.hashCode());
            DType d = dtype.equals("f32") ? DType.F32 : DType.F64;
            Tensor w = Tensor.zeros(d, out.type().shape().sizes());
            for (int i = 0; i < w.size(); i++) w.setDouble(i, r.nextDouble() - 0.5);
            Node weights = g.addTyped(dlm.compiler.ops.OpRegistry.get("constant"), List.of(), dlm.compiler.ir.Attrs.of("value", w), out.type(), out.span(), null);
            Node loss = g.add("sum", List.of(g.add("mul", List.of(out, weights), dlm.compiler.ir.Attrs.EMPTY, out.span())), dlm.compiler.ir.Attrs.EMPTY, out.span());
            g.setOutput("dz", Autodiff.grad(g, loss, List.of(z), out.span()).get(0));
            Tensor zs = Tensor.zeros(d, 3, 5);
            for (int i = 0; i < zs.size(); i++) zs.setDouble(i, Math.round(4 * (r.nextDouble() * 3 - 1.5)) / 2.0);
            CodegenTestSupport.check(g, Map.of("z", zs));
        }
    }
}
