package dlm.compiler.autodiff;

import dlm.compiler.Frontend;
import dlm.compiler.interp.ParamStore;
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
 * The surface functions built from other ops — std.math's logSumExp, variance, std and norm,
 * stack, pad in every mode, negative-step slices, take / x[indices], sort, topK, cumsum and prod —
 * differentiated as written in DLM, against f64 finite differences (a random weighting of the
 * result as the loss, at random points with no ties and no zeros).
 */
class SurfaceGradientsTest {

    static List<String> expressions() { return SurfaceGradientsTestExpressions.LIST; }

    @ParameterizedTest(name = "{0}")
    @MethodSource("expressions")
    void matchesFiniteDifferences(String expr) {
        var p = Frontend.compile("s.dlm", """
                import std.math.*
                model S(z: f64[3, 5]) {
                    return %s
                }
                """.formatted(expr));
        Graph g = p.models().get("S").graph();
        Node z = g.inputs().stream().filter(n -> n.name().equals("z")).findFirst().orElseThrow();
        Random r = new Random(expr.hashCode());
        Tensor zs = Tensor.zeros(DType.F64, 3, 5);
        for (int i = 0; i < zs.size(); i++) zs.setDouble(i, (r.nextBoolean() ? 1 : -1) * (0.3 + 1.2 * r.nextDouble()));
        Node out = g.output("output");
        Node y = GradCheck.weightedSum(g, out, r);
        GradCheck.check(g, y, List.of(z), Map.of(z, zs), new ParamStore(), 1e-6, 1e-6, 1e-5);
    }
}
