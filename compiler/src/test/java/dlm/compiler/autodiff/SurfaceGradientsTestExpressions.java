package dlm.compiler.autodiff;

import java.util.List;

/** The DLM expressions in z (a [3, 5] tensor) that the surface tests differentiate and compile. */
public final class SurfaceGradientsTestExpressions {
    private SurfaceGradientsTestExpressions() {}

    public static final List<String> LIST = List.of("logSumExp(z, axis = 1)", "logSumExp(z)", "logSumExp(z * 300.0, axis = 0, keepdims = true)",
            "variance(z, axis = 0)", "variance(z)", "std(z, axis = 1, keepdims = true)", "std(z)",
            "norm(z, axis = 1)", "norm(z)", "norm(z, ord = 1, axis = 0)", "norm(z, ord = 1)",
            "stack(z, z * z, axis = 1)", "stack(z[0], z[2])",
            "pad(z, [[1, 2], [0, 3]], value = 1.5)", "pad(z, 1)", "pad(z, [[2, 1], [4, 1]], mode = \"reflect\")",
            "pad(z, [[3, 0], [5, 2]], mode = \"symmetric\")", "pad(z, [2, 1], mode = \"edge\")",
            "z[::-1, 4:0:-3]", "z[1::-1, ::-2]", "z[:, [4, 0, 0, -1]]", "z[[2, 2, 0]]", "take(z, [[1, 3], [3, 3]], axis = 1)",
            "take(z, [14, 0, 7])", "sort(z, axis = 0)", "sort(z, descending = true)", "topK(z, 2)[0]",
            "cumsum(z, axis = 1)", "cumsum(z)", "take(z, 7)", "z[:, [3]] * z", "cumsum(z[:, 1:2] * z[0], axis = 0)", "prod(z, axis = 1)", "prod(z, axis = [0, 1])", "prod(z)");
}
