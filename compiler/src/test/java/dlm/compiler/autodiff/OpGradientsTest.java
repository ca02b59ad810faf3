package dlm.compiler.autodiff;

import static dlm.compiler.autodiff.GradCheck.ANY;
import static dlm.compiler.autodiff.GradCheck.AWAY_FROM_ZERO;
import static dlm.compiler.autodiff.GradCheck.BOOL;
import static dlm.compiler.autodiff.GradCheck.POSITIVE;
import static dlm.compiler.autodiff.GradCheck.constant;
import static dlm.compiler.autodiff.GradCheck.in;
import static dlm.compiler.autodiff.GradCheck.labels;
import static dlm.compiler.autodiff.GradCheck.of;
import static dlm.compiler.autodiff.GradCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dlm.compiler.autodiff.GradCheck.Built;
import dlm.compiler.autodiff.GradCheck.Case;
import dlm.compiler.autodiff.GradCheck.Operand;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.compiler.ops.Op;
import dlm.compiler.ops.OpRegistry;
import dlm.runtime.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every differentiable op of the registry against f64 central differences, at random points
 * (fixed seeds) away from kinks, over ranks 0 to 4 and broadcast cases; and the registry-wide
 * check that no op is left without a VJP unless it is listed here with a reason.
 */
class OpGradientsTest {

    private static final int[][] UNARY_SHAPES = {{}, {5}, {2, 3}, {2, 1, 3}, {2, 3, 1, 2}};

    /** Operand shape pairs for binary ops: equal, scalar, and NumPy broadcasting up to rank 4. */
    private static final int[][][] BINARY_SHAPES = {
        {{}, {}}, {{4}, {4}}, {{3}, {}}, {{}, {3}}, {{2, 3}, {3}}, {{2, 1}, {1, 3}},
        {{4, 1, 3}, {2, 1}}, {{2, 1, 3, 1}, {1, 4, 1, 2}}, {{2, 3, 2, 2}, {2, 3, 2, 2}}};

    /**
     * Ops with no VJP, and why: their results are integer or bool (so no gradient ever reaches
     * them), their only input is an integer, or they are leaves of the graph.
     */
    static final Map<String, String> NON_DIFFERENTIABLE = Map.ofEntries(
            Map.entry("input", "a leaf: gradients stop at it"),
            Map.entry("param", "a leaf: gradients stop at it"),
            Map.entry("constant", "a leaf: gradients stop at it"),
            Map.entry("less", "bool result"), Map.entry("lessEqual", "bool result"),
            Map.entry("greater", "bool result"), Map.entry("greaterEqual", "bool result"),
            Map.entry("equal", "bool result"), Map.entry("notEqual", "bool result"),
            Map.entry("and", "bool operands and result"), Map.entry("or", "bool operands and result"),
            Map.entry("not", "bool operand and result"),
            Map.entry("argmax", "integer (index) result"), Map.entry("argmin", "integer (index) result"),
            Map.entry("argsort", "integer (index) result"),
            Map.entry("oneHot", "its only input is integer labels"),
            Map.entry("randomUniform", "its inputs are the integer seed and step"),
            Map.entry("randomNormal", "its inputs are the integer seed and step"),
            Map.entry("maxPool2dBackprop", "zero derivative in x almost everywhere; the one in dy, a gather at each window's winner, is not an op"),
            Map.entry("conv2dMaxPool", "a fused f32 kernel form made after differentiation, just before code generation; ConvMaxPoolOpsTest checks its kernel gradient against finite differences"),
            Map.entry("conv2dMaxPoolBackpropFilter", "a fused f32 gradient made after differentiation; ConvMaxPoolOpsTest checks it against finite differences of conv2dMaxPool"));

    /** Ops whose gradient is zero by definition, where finite differences would see the identity: tested on their own. */
    static final Map<String, String> ZERO_GRADIENT = Map.of("stopGradient", "StopGradientTest: the value passes, the gradient stops");

    /** About one element in three exactly 0: prod's gradient must be right at zeros. */
    private static final GradCheck.Sampler WITH_ZEROS = r -> r.nextInt(3) == 0 ? 0 : ANY.next(r);

    static List<Case> cases() {
        List<Case> cs = new ArrayList<>();
        // Element-wise unary, each at every rank 0..4.
        Map<String, GradCheck.Sampler> unary = new java.util.LinkedHashMap<>();
        unary.put("neg", ANY);
        unary.put("abs", AWAY_FROM_ZERO);
        unary.put("relu", AWAY_FROM_ZERO);
        unary.put("square", ANY);
        unary.put("sign", AWAY_FROM_ZERO);
        unary.put("exp", ANY);
        unary.put("log", POSITIVE);
        unary.put("sqrt", POSITIVE);
        unary.put("tanh", ANY);
        unary.put("sigmoid", uniform(-4, 4));
        unary.put("sin", ANY);
        unary.put("cos", ANY);
        unary.put("erf", ANY);
        unary.put("log1p", uniform(-0.5, 2));
        unary.put("expm1", ANY);
        for (var e : unary.entrySet()) for (int[] s : UNARY_SHAPES) cs.add(of(e.getKey(), in(e.getValue(), s)));

        // Element-wise binary, with broadcasting.
        for (int[][] s : BINARY_SHAPES) {
            cs.add(of("add", in(s[0]), in(s[1])));
            cs.add(of("sub", in(s[0]), in(s[1])));
            cs.add(of("mul", in(s[0]), in(s[1])));
            cs.add(of("div", in(s[0]), in(AWAY_FROM_ZERO, s[1])));
            cs.add(of("mod", in(uniform(-3, 3), s[0]), in(AWAY_FROM_ZERO, s[1])));
            cs.add(of("pow", in(POSITIVE, s[0]), in(s[1])));
            cs.add(of("maximum", in(s[0]), in(s[1])));
            cs.add(of("minimum", in(s[0]), in(s[1])));
        }
        // pow with a constant exponent (folded rule) on negative bases, and a constant with a 0 (masked rule).
        cs.add(of("pow", in(AWAY_FROM_ZERO, 2, 3), constant(DType.F64, r -> 3, 1)));
        cs.add(of("pow", in(POSITIVE, 2, 3), constant(DType.F64, r -> r.nextInt(3), 3)));
        cs.add(of("mul", in(2, 3), constant(DType.F64, ANY, 3)));

        // where: the gradient goes to the chosen branch; the condition broadcasts too.
        cs.add(of("where", constant(DType.BOOL, BOOL, 2, 3), in(2, 3), in(2, 3)));
        cs.add(of("where", constant(DType.BOOL, BOOL, 2, 3), in(3), in()));
        cs.add(of("where", constant(DType.BOOL, BOOL, 4, 1, 3), in(2, 1), in(1, 2, 3)));
        cs.add(of("where", constant(DType.BOOL, BOOL), in(2), in(2)));

        // cast between floats (f32 → f64 here: the graph downstream is f64).
        cs.add(of("cast", Attrs.of("dtype", DType.F64), in(DType.F32, ANY, 2, 3)));
        cs.add(of("cast", Attrs.of("dtype", DType.F64), in(DType.F32, ANY)));

        // Reductions.
        for (String r : List.of("sum", "mean", "max", "min")) {
            cs.add(of(r, in()));
            cs.add(of(r, in(5)));
            cs.add(of(r, in(2, 3)));
            cs.add(of(r, Attrs.of("axes", new int[] {1}), in(2, 3)));
            cs.add(of(r, Attrs.of("axes", new int[] {0}, "keepdims", true), in(2, 3)));
            cs.add(of(r, Attrs.of("axes", new int[] {0, 2}), in(2, 3, 4)));
            cs.add(of(r, Attrs.of("axes", new int[] {1, 3}, "keepdims", true), in(2, 3, 2, 2)));
            cs.add(of(r, Attrs.of("axes", new int[] {}), in(2, 3)));
            cs.add(of(r, Attrs.of("keepdims", true), in(2, 2, 3)));
        }
        // prod, also with exact zeros in the groups (one zero: the product of the others; two: 0).
        cs.add(of("prod", in()));
        cs.add(of("prod", in(5)));
        cs.add(of("prod", Attrs.of("axes", new int[] {1}), in(2, 3)));
        cs.add(of("prod", Attrs.of("axes", new int[] {0, 2}, "keepdims", true), in(2, 3, 2)));
        cs.add(of("prod", Attrs.of("axes", new int[] {}), in(2, 3)));
        cs.add(of("prod", Attrs.of("axes", new int[] {1}), in(WITH_ZEROS, 4, 3)));
        cs.add(of("prod", in(WITH_ZEROS, 6)));
        cs.add(of("prod", Attrs.of("axes", new int[] {1}), in(r -> r.nextInt(2) == 0 ? 0 : ANY.next(r), 3, 4)));
        cs.add(of("numel", Attrs.of("dtype", DType.F64), in(2, 3)));
        cs.add(of("numel", Attrs.of("axes", new int[] {1}, "dtype", DType.F64), in(2, 3)));

        // The tensor product in all of NumPy's cases.
        int[][][] mm = {
            {{3}, {3}}, {{2, 3}, {3}}, {{3}, {3, 4}}, {{2, 3}, {3, 4}}, {{2, 2, 3}, {3, 4}}, {{3}, {2, 3, 4}},
            {{2, 2, 3}, {3}}, {{2, 1, 2, 3}, {5, 3, 4}}, {{1, 2, 3}, {4, 3, 2}}, {{2, 3}, {2, 3, 4}}, {{1, 1}, {1, 1}}};
        for (int[][] s : mm) cs.add(of("matmul", in(s[0]), in(s[1])));

        // Movement ops.
        cs.add(of("reshape", Attrs.of("shape", Shape.of(3, 2)), in(2, 3)));
        cs.add(of("reshape", Attrs.of("shape", Shape.of(1, 2, 3)), in(6)));
        cs.add(of("reshape", Attrs.of("shape", Shape.of(1, 1)), in()));
        cs.add(of("reshape", Attrs.of("shape", Shape.of(4, 1), "inferAxis", 1), in(2, 3, 4)));
        cs.add(of("transpose", in(2, 3)));
        cs.add(of("transpose", Attrs.of("perm", new int[] {1, 2, 0}), in(2, 3, 4)));
        cs.add(of("transpose", Attrs.of("perm", new int[] {3, 1, 0, 2}), in(2, 3, 1, 2)));
        cs.add(of("transpose", Attrs.of("perm", new int[] {}), in()));
        cs.add(of("expandDims", Attrs.of("axis", 0), in()));
        cs.add(of("expandDims", Attrs.of("axis", 1), in(2, 3)));
        cs.add(of("expandDims", Attrs.of("axis", 3), in(2, 3, 2)));
        cs.add(of("squeeze", Attrs.of("axes", new int[] {0}), in(1)));
        cs.add(of("squeeze", Attrs.of("axes", new int[] {1, 3}), in(2, 1, 3, 1)));
        cs.add(of("tile", Attrs.of("reps", new int[] {3}), in(2)));
        cs.add(of("tile", Attrs.of("reps", new int[] {2, 1, 3}), in(2, 2)));
        cs.add(of("tile", Attrs.of("reps", new int[] {2}), in(2, 1, 3)));
        cs.add(of("tile", Attrs.of("reps", new int[] {2, 2}), in()));
        cs.add(of("tile", Attrs.of("reps", new int[] {0, 2}), in(2, 2)));
        cs.add(of("broadcastTo", Attrs.of("shape", Shape.of(2, 3)), in(3)));
        cs.add(of("broadcastTo", Attrs.of("shape", Shape.of(2, 2, 3)), in(2, 1)));
        cs.add(of("broadcastTo", Attrs.of("shape", Shape.of(2, 3, 1, 2)), in()));
        cs.add(of("broadcastTo", Attrs.of("shape", Shape.of(2, 3)), in(2, 3)));
        cs.add(of("slice", slice(new int[] {0}, new int[] {1}, new int[] {4}, new int[] {1}), in(5)));
        cs.add(of("slice", slice(new int[] {0, 1}, new int[] {1, 0}, new int[] {6, 4}, new int[] {2, 3}), in(6, 4)));
        cs.add(of("slice", slice(new int[] {2}, new int[] {0}, new int[] {3}, new int[] {2}), in(2, 1, 3)));
        cs.add(of("slice", slice(new int[] {1}, new int[] {2}, new int[] {2}, new int[] {1}), in(2, 3)));
        cs.add(of("slice", slice(new int[] {0, 3}, new int[] {1, 0}, new int[] {2, 2}, new int[] {1, 1}), in(2, 3, 2, 2)));
        cs.add(of("slice", slice(new int[] {0}, new int[] {4}, new int[] {-1}, new int[] {-1}), in(5)));
        cs.add(of("slice", slice(new int[] {0, 1}, new int[] {5, 0}, new int[] {0, 4}, new int[] {-2, 3}), in(6, 4)));
        cs.add(of("slice", slice(new int[] {1, 2}, new int[] {2, 2}, new int[] {-1, 0}, new int[] {-1, -3}), in(2, 3, 3)));
        cs.add(of("slice", slice(new int[] {0}, new int[] {1}, new int[] {1}, new int[] {-1}), in(3)));
        cs.add(of("concat", Attrs.of("axis", 1), in(2, 3), in(2, 1)));
        cs.add(of("concat", Attrs.of("axis", 0), in(1, 2), in(3, 2), in(2, 2)));
        cs.add(of("concat", Attrs.of("axis", 2), in(2, 1, 2), in(2, 1, 3)));
        cs.add(of("concat", Attrs.of("axis", 0), in(3)));
        cs.add(of("concat", Attrs.of("axis", 0), in(0), in(3)));
        cs.add(of("pad", pad(new int[] {0}, new int[] {1}, new int[] {2}, new int[] {1}), in(3)));
        cs.add(of("pad", pad(new int[] {0, 1}, new int[] {0, 2}, new int[] {1, 0}, new int[] {2, 0}), in(2, 3)));
        cs.add(of("pad", pad(new int[] {3}, new int[] {1}, new int[] {1}, new int[] {3}), in(1, 2, 1, 2)));

        // cumsum: the VJP is the cumsum of the cotangent the other way.
        cs.add(of("cumsum", Attrs.of("axis", 0), in(5)));
        cs.add(of("cumsum", Attrs.of("axis", 1), in(2, 3, 2)));
        cs.add(of("cumsum", Attrs.of("axis", 0, "reverse", true), in(3, 2)));
        // Gathering (repeated and negative indices add up in the scatter) and its transpose.
        cs.add(of("takeAlongAxis", Attrs.of("axis", 0), in(4), constant(DType.I32, r -> r.nextInt(8) - 4, 6)));
        cs.add(of("takeAlongAxis", Attrs.of("axis", 1), in(2, 3, 2), constant(DType.I32, r -> r.nextInt(3), 2, 5, 2)));
        cs.add(of("takeAlongAxis", Attrs.of("axis", 1), in(2, 3, 2), constant(DType.I32, r -> r.nextInt(3), 1, 4, 1)));
        cs.add(of("takeAlongAxis", Attrs.of("axis", 2), in(2, 2, 3), constant(DType.I32, r -> r.nextInt(3), 2, 2, 2)));
        cs.add(of("scatterAdd", Attrs.of("axis", 0, "shape", Shape.of(3)), in(5), constant(DType.I32, r -> r.nextInt(3), 5)));
        cs.add(of("scatterAdd", Attrs.of("axis", 1, "shape", Shape.of(2, 3, 2)), in(2, 4, 2), constant(DType.I32, r -> r.nextInt(6) - 3, 1, 4, 1)));

        // Softmax and its relatives.
        for (String s : List.of("softmax", "logSoftmax")) {
            cs.add(of(s, in()));
            cs.add(of(s, in(5)));
            cs.add(of(s, Attrs.of("axis", 0), in(2, 3)));
            cs.add(of(s, Attrs.of("axis", 1), in(2, 3)));
            cs.add(of(s, Attrs.of("axis", 1), in(2, 3, 4)));
            cs.add(of(s, in(2, 1, 3, 2)));
        }
        cs.add(of("sparseSoftmaxCrossEntropy", in(4, 5), constant(DType.I32, labels(5), 4)));
        cs.add(of("sparseSoftmaxCrossEntropy", in(5), constant(DType.U8, labels(5))));
        cs.add(of("sparseSoftmaxCrossEntropy", in(uniform(-6, 6), 2, 3, 4), constant(DType.I64, labels(4), 2, 3)));
        convCases(cs);
        return cs;
    }

    private static Attrs conv(int[] strides, int[] dilation, int[] padding) {
        return Attrs.of("strides", strides, "dilation", dilation, "padding", padding);
    }

    private static Attrs pool(int[] pool, int[] strides, int[] padding) {
        return Attrs.of("pool", pool, "strides", strides, "padding", padding);
    }

    /**
     * Convolution and pooling at several shapes, strides, paddings and dilations: the forward ops
     * and the backward ops that have VJPs of their own (conv2dBackpropInput/Filter, avgPool2dBackprop).
     * Max pooling samples distinct values, so no window has a tie within the step.
     */
    static void convCases(List<Case> cs) {
        int[] one = {1, 1}, none = {0, 0, 0, 0};
        // {x shape, kernel shape, strides, dilation, padding}
        int[][][] convs = {
            {{1, 3, 3, 1}, {2, 2, 1, 1}, one, one, none},
            {{2, 5, 4, 2}, {3, 2, 2, 3}, one, one, none},
            {{1, 5, 5, 2}, {3, 3, 2, 2}, {2, 2}, one, {1, 1, 1, 1}},
            {{2, 6, 5, 1}, {3, 3, 1, 2}, {2, 1}, one, {0, 1, 1, 1}},
            {{1, 7, 6, 2}, {2, 3, 2, 2}, {1, 2}, {2, 2}, {1, 0, 2, 1}},
            {{1, 4, 4, 3}, {1, 1, 3, 2}, {3, 3}, one, none},
            {{1, 4, 3, 1}, {3, 3, 1, 1}, one, one, {2, 2, 2, 2}}};
        for (int[][] v : convs) {
            Attrs a = conv(v[2], v[3], v[4]);
            cs.add(of("conv2d", a, in(v[0]), in(v[1])));
            int[] outSize = convOut(v[0], v[1], v[2], v[3], v[4]);
            int[] dy = {v[0][0], outSize[0], outSize[1], v[1][3]};
            cs.add(of("conv2dBackpropInput", a.with("inputSize", new int[] {v[0][1], v[0][2]}), in(dy), in(v[1])));
            cs.add(of("conv2dBackpropFilter", a.with("kernelSize", new int[] {v[1][0], v[1][1]}), in(v[0]), in(dy)));
        }
        // The fused form (bias, relu) that ConvEpilogueFusion makes before code generation.
        cs.add(of("conv2d", conv(one, one, new int[] {1, 1, 1, 1}).with("relu", true), in(1, 4, 4, 2), in(3, 3, 2, 3), in(3)));
        cs.add(of("conv2d", conv(new int[] {2, 1}, one, none).with("relu", false), in(2, 5, 4, 1), in(2, 2, 1, 2), in(2)));
        GradCheck.Sampler distinct = r -> r.nextInt(1000) / 250.0 - 2 + r.nextDouble() * 1e-3;
        // {x shape, pool, strides, padding}
        int[][][] pools = {
            {{1, 4, 4, 1}, {2, 2}, {2, 2}, none},
            {{2, 5, 5, 2}, {2, 2}, {2, 2}, {0, 1, 0, 1}},
            {{1, 5, 4, 2}, {3, 2}, {1, 1}, {1, 1, 1, 0}},
            {{1, 6, 6, 1}, {3, 3}, {2, 3}, {1, 1, 0, 2}},
            {{2, 3, 3, 3}, {3, 3}, {1, 1}, none}};
        for (int[][] v : pools) {
            Attrs a = pool(v[1], v[2], v[3]);
            cs.add(of("maxPool2d", a, in(distinct, v[0])));
            cs.add(of("avgPool2d", a, in(v[0])));
            int[] outSize = convOut(v[0], new int[] {v[1][0], v[1][1], 1, 1}, v[2], one, v[3]);
            cs.add(of("avgPool2dBackprop", a.with("inputSize", new int[] {v[0][1], v[0][2]}), in(v[0][0], outSize[0], outSize[1], v[0][3])));
        }
        // imageTransform is linear in the images for a fixed map and fill value; its backward op, in dy
        double[][] maps = {{0.8, -0.6, 1.5, 0.6, 0.8, -0.7, 0, 0}, {1.3, 0.1, -1.2, -0.2, 0.9, 0.4, 0.01, -0.02}};
        for (int mode = 0; mode < 4; mode++)
            for (int interp = 0; interp < 2; interp++) {
                double[] m = maps[(mode + interp) % 2];
                int[] next = {0};
                GradCheck.Sampler map = r -> m[next[0]++ % 8];
                Attrs a = Attrs.of("interpolation", interp, "fillMode", mode);
                cs.add(of("imageTransform", a, in(2, 4, 5, 2), constant(DType.F64, map, 1, 8), constant(DType.F64, r -> 0.5)));
                cs.add(of("imageTransformBackprop", a, in(2, 4, 5, 2), constant(DType.F64, map, 1, 8)));
            }
    }

    /** The output height and width of a window op (TF's floor rule). */
    static int[] convOut(int[] x, int[] k, int[] s, int[] d, int[] p) {
        return new int[] {(x[1] + p[0] + p[1] - ((k[0] - 1) * d[0] + 1)) / s[0] + 1, (x[2] + p[2] + p[3] - ((k[1] - 1) * d[1] + 1)) / s[1] + 1};
    }

    private static Attrs slice(int[] axes, int[] starts, int[] stops, int[] steps) {
        return Attrs.of("axes", axes, "starts", starts, "stops", stops, "steps", steps);
    }

    private static Attrs pad(int[] axes, int[] lows, int[] highs, int[] interiors) {
        return Attrs.of("axes", axes, "lows", lows, "highs", highs, "interiors", interiors);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesFiniteDifferences(Case c) {
        for (long seed = 1; seed <= 2; seed++) GradCheck.check(GradCheck.build(c, seed * 7919 + c.toString().hashCode()));
    }

    @Test
    void everyRegisteredOpHasAGradientCheckOrAReason() {
        Set<String> checked = new TreeSet<>();
        for (Case c : cases()) checked.add(c.op());
        List<String> missing = new ArrayList<>();
        for (Op op : OpRegistry.all()) {
            boolean listed = NON_DIFFERENTIABLE.containsKey(op.name()) || ZERO_GRADIENT.containsKey(op.name());
            if (!listed && !checked.contains(op.name())) missing.add(op.name());
            if (listed && checked.contains(op.name())) fail(op.name() + " is both checked and listed as non-differentiable");
        }
        if (!missing.isEmpty())
            fail("ops without a finite-difference check: " + missing + ". Give each a VJP (Op.vjp) and a case in OpGradientsTest, "
                    + "or list it in NON_DIFFERENTIABLE with the reason");
        for (String name : NON_DIFFERENTIABLE.keySet()) assertTrue(OpRegistry.has(name), name + " is not a registered op");
    }

    /** The listed ops really have no VJP: they keep the interface's default, which says so. */
    @Test
    void nonDifferentiableOpsSaySo() {
        Graph g = new Graph();
        Node x = GradCheck.input(g, "x", TensorType.of(DType.F64, 2, 3));
        Node k = GradCheck.input(g, "k", TensorType.of(DType.I32, 2));
        Node p = GradCheck.input(g, "p", TensorType.of(DType.BOOL, 2, 3));
        List<Node> samples = new ArrayList<>(List.of(x, k, GradCheck.constant(g, dlm.runtime.Tensor.scalar(DType.F64, 1))));
        for (String cmp : List.of("less", "lessEqual", "greater", "greaterEqual", "equal", "notEqual"))
            samples.add(g.add(cmp, List.of(x, x), Attrs.EMPTY, GradCheck.AT));
        for (String l : List.of("and", "or")) samples.add(g.add(l, List.of(p, p), Attrs.EMPTY, GradCheck.AT));
        samples.add(g.add("not", List.of(p), Attrs.EMPTY, GradCheck.AT));
        samples.add(g.add("argmax", List.of(x), Attrs.of("axis", 1), GradCheck.AT));
        samples.add(g.add("argmin", List.of(x), Attrs.EMPTY, GradCheck.AT));
        samples.add(g.add("argsort", List.of(x), Attrs.of("axis", 1), GradCheck.AT));
        samples.add(g.add("oneHot", List.of(k), Attrs.of("depth", 4, "dtype", DType.F64), GradCheck.AT));
        Node seed = GradCheck.input(g, "seed", TensorType.scalar(DType.I64)), step = GradCheck.input(g, "step", TensorType.scalar(DType.I64));
        for (String r : List.of("randomUniform", "randomNormal"))
            samples.add(g.add(r, List.of(seed, step), Attrs.of("shape", dlm.compiler.ir.Shape.of(2), "dtype", DType.F64, "stream", 1), GradCheck.AT));
        Node img = GradCheck.input(g, "img", TensorType.of(DType.F64, 1, 4, 4, 1));
        Attrs pool = pool(new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0, 0, 0});
        samples.add(g.add("maxPool2dBackprop", List.of(img, g.add("maxPool2d", List.of(img), pool, GradCheck.AT)), pool, GradCheck.AT));
        samples.add(g.addTyped(OpRegistry.get("param"), List.of(), Attrs.EMPTY, TensorType.of(DType.F64, 2), GradCheck.AT, "w"));
        Node img32 = GradCheck.input(g, "img32", TensorType.of(DType.F32, 1, 4, 4, 1)), k32 = GradCheck.input(g, "k32", TensorType.of(DType.F32, 3, 3, 1, 2));
        Attrs fused = Attrs.of("strides", new int[] {1, 1}, "dilation", new int[] {1, 1}, "padding", new int[] {1, 1, 1, 1}, "relu", true,
                "pool", new int[] {2, 2}, "poolStrides", new int[] {2, 2}, "poolPadding", new int[] {0, 0, 0, 0});
        Node both = g.add("conv2dMaxPool", List.of(img32, k32), fused, GradCheck.AT);
        samples.add(both);
        Node dy32 = GradCheck.input(g, "dy32", TensorType.of(DType.F32, 1, 2, 2, 2));
        samples.add(g.add("conv2dMaxPoolBackpropFilter", List.of(img32, dy32, dy32), fused.with("kernelSize", new int[] {3, 3}), GradCheck.AT));
        Set<String> seen = new TreeSet<>();
        for (Node n : samples) {
            seen.add(n.opName());
            GradBuilder b = new GradBuilder(g, n, new boolean[n.inputs().size()]);
            NotDifferentiableException e = assertThrows(NotDifferentiableException.class, () -> n.op().vjp(n, n, b), n.opName());
            assertEquals(n.opName(), e.op());
        }
        assertEquals(new TreeSet<>(NON_DIFFERENTIABLE.keySet()), seen);
    }

    /** Second derivatives: the backward graph of every smooth op is itself differentiable and correct. */
    static List<Case> smoothCases() {
        List<Case> cs = new ArrayList<>();
        for (String u : List.of("exp", "tanh", "sigmoid", "sin", "cos", "square")) cs.add(of(u, in(2, 3)));
        for (String u : List.of("log", "sqrt")) cs.add(of(u, in(POSITIVE, 2, 3)));
        for (String u : List.of("erf", "expm1")) cs.add(of(u, in(2, 3)));
        cs.add(of("log1p", in(uniform(-0.5, 2), 2, 3)));
        cs.add(of("mul", in(2, 3), in(3)));
        cs.add(of("div", in(2, 3), in(AWAY_FROM_ZERO, 3)));
        cs.add(of("pow", in(POSITIVE, 2, 3), in(3)));
        cs.add(of("pow", in(AWAY_FROM_ZERO, 3), constant(DType.F64, r -> 3, 3)));
        cs.add(of("matmul", in(2, 3), in(3, 4)));
        cs.add(of("matmul", in(2, 2, 3), in(3)));
        cs.add(of("softmax", Attrs.of("axis", 1), in(2, 3)));
        cs.add(of("logSoftmax", Attrs.of("axis", 0), in(2, 3)));
        cs.add(of("sparseSoftmaxCrossEntropy", in(3, 4), constant(DType.I32, labels(4), 3)));
        cs.add(of("prod", Attrs.of("axes", new int[] {1}), in(2, 3)));
        cs.add(of("takeAlongAxis", Attrs.of("axis", 1), in(2, 3), constant(DType.I32, r -> r.nextInt(3), 2, 4)));
        Attrs c = conv(new int[] {2, 1}, new int[] {1, 2}, new int[] {1, 0, 1, 1});
        cs.add(of("conv2d", c, in(1, 5, 5, 2), in(2, 2, 2, 2)));
        cs.add(of("conv2dBackpropInput", c.with("inputSize", new int[] {5, 5}), in(1, 3, 5, 2), in(2, 2, 2, 2)));
        cs.add(of("conv2dBackpropFilter", c.with("kernelSize", new int[] {2, 2}), in(1, 5, 5, 2), in(1, 3, 5, 2)));
        cs.add(of("avgPool2d", pool(new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 0, 0, 1}), in(1, 3, 3, 2)));
        cs.add(of("mean", Attrs.of("axes", new int[] {1}), in(2, 3))); // linear: composed with square below
        return cs;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("smoothCases")
    void secondDerivativesMatchFiniteDifferences(Case c) {
        Built b = GradCheck.build(c, 99 + c.toString().hashCode());
        Random r = new Random(5);
        // y2 = sum over the first gradients, each weighted by a random constant (a Hessian-vector product).
        Node y = b.y;
        if (c.op().equals("mean") || c.op().equals("takeAlongAxis") || c.op().equals("avgPool2d")) y = b.g.add("sum", List.of(b.g.add("square", List.of(b.out), Attrs.EMPTY, GradCheck.AT)), Attrs.EMPTY, GradCheck.AT);
        List<Node> first = Autodiff.grad(b.g, y, b.wrt, GradCheck.AT);
        Node y2 = null;
        for (Node g1 : first) {
            Node term = GradCheck.weightedSum(b.g, g1, r);
            y2 = y2 == null ? term : b.g.add("add", List.of(y2, term), Attrs.EMPTY, GradCheck.AT);
        }
        GradCheck.check(b.g, y2, b.wrt, b.feeds, new ParamStore(), 1e-6, 1e-6, 1e-6);
    }

    @Test
    void operandsOfTheCasesAreDifferentiated() {
        // Guards the table itself: every case differentiates at least one operand.
        for (Case c : cases()) assertTrue(c.operands().stream().anyMatch(Operand::wrt), c.toString());
        assertTrue(cases().size() > 150, "cases: " + cases().size());
        assertTrue(Stream.of(UNARY_SHAPES).anyMatch(s -> s.length == 4) && Stream.of(UNARY_SHAPES).anyMatch(s -> s.length == 0));
    }
}
