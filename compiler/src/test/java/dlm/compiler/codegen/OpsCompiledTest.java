package dlm.compiler.codegen;

import static dlm.compiler.codegen.CodegenTestSupport.check;
import static dlm.compiler.codegen.CodegenTestSupport.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.autodiff.Autodiff;
import dlm.compiler.codegen.CodegenTestSupport.G;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.compiler.ops.Op;
import dlm.compiler.ops.OpRegistry;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every op of the registry, compiled vs interpreted: forward over several shapes (broadcasting
 * included) and dtypes (f32, f64, f16 where it is supported, the integer types and bool where
 * the op takes them), and, for differentiable ops on f32 and f64, the gradient graph that
 * autodiff builds (compiled as a whole). See {@link CodegenTestSupport} for the tolerances.
 */
class OpsCompiledTest {
    static final DType F32 = DType.F32, F64 = DType.F64, F16 = DType.F16, I32 = DType.I32, I64 = DType.I64, U8 = DType.U8, BOOL = DType.BOOL;

    static final int[][] UNARY_SHAPES = {{}, {5}, {2, 3}, {2, 1, 3}, {2, 3, 1, 2}, {37}};
    static final int[][][] BINARY_SHAPES = {
        {{}, {}}, {{4}, {4}}, {{3}, {}}, {{}, {3}}, {{2, 3}, {3}}, {{2, 1}, {1, 3}},
        {{4, 1, 3}, {2, 1}}, {{2, 1, 3, 1}, {1, 4, 1, 2}}, {{2, 3, 2, 2}, {2, 3, 2, 2}}, {{33, 5}, {33, 1}}};

    /** One case: inputs (name, tensor) and the op applied to them. */
    record Case(String name, List<Tensor> inputs, BiFunction<G, List<Node>, Node> build, boolean grad, double tol) {}

    static final List<Case> CASES = new ArrayList<>();
    private static final Set<String> COVERED = new TreeSet<>();

    private static void add(String op, String name, List<Tensor> ins, BiFunction<G, List<Node>, Node> b, boolean grad, double tol) {
        COVERED.add(op);
        CASES.add(new Case(op + " " + name, ins, b, grad, tol));
    }

    private static void simple(String op, Attrs attrs, boolean grad, Tensor... ins) {
        StringBuilder n = new StringBuilder();
        for (Tensor t : ins) n.append(t.dtype()).append(java.util.Arrays.toString(t.shape())).append(' ');
        if (!attrs.isEmpty()) n.append('{').append(attrs).append('}');
        add(op, n.toString().trim(), List.of(ins), (g, xs) -> g.op(op, attrs, xs.toArray(Node[]::new)), grad, 0);
    }

    static {
        Random r = new Random(42);
        // stopGradient (the identity in value) with its own generator, so the others' random inputs stay as they were
        Random sg = new Random(43);
        for (DType d : List.of(F32, F64, F16, I32, I64, U8))
            for (int[] s : UNARY_SHAPES) simple("stopGradient", Attrs.EMPTY, d.isFloating() && d != F16, random(d, s, sg));
        // ---- unary element-wise ----
        for (String op : List.of("neg", "abs", "relu", "square", "sign"))
            for (DType d : List.of(F32, F64, F16, I32, I64, U8))
                for (int[] s : UNARY_SHAPES) simple(op, Attrs.EMPTY, d.isFloating() && d != F16, random(d, s, r));
        for (String op : List.of("exp", "tanh", "sigmoid", "sin", "cos"))
            for (DType d : List.of(F32, F64, F16))
                for (int[] s : UNARY_SHAPES) simple(op, Attrs.EMPTY, d != F16, random(d, s, r, -4, 4));
        for (String op : List.of("log", "sqrt"))
            for (DType d : List.of(F32, F64, F16))
                for (int[] s : UNARY_SHAPES) simple(op, Attrs.EMPTY, d != F16, random(d, s, r, 0.1, 5));
        for (int[] s : UNARY_SHAPES) simple("not", Attrs.EMPTY, false, random(BOOL, s, r));
        // ---- binary element-wise ----
        for (String op : List.of("add", "sub", "mul", "maximum", "minimum"))
            for (DType d : List.of(F32, F64, I32, I64, U8))
                for (int[][] s : BINARY_SHAPES) simple(op, Attrs.EMPTY, d.isFloating(), random(d, s[0], r), random(d, s[1], r));
        for (int[][] s : BINARY_SHAPES) simple("add", Attrs.EMPTY, false, random(F16, s[0], r), random(F16, s[1], r));
        for (String op : List.of("div", "mod"))
            for (DType d : List.of(F32, F64, I32, I64, U8))
                for (int[][] s : BINARY_SHAPES) {
                    Tensor y = d == U8 ? random(d, s[1], r, 1, 256) : random(d, s[1], r, 1, 5);
                    if (d != U8) for (int i = 0; i < y.size(); i++) if (r.nextBoolean()) y.setDouble(i, -y.getDouble(i));
                    simple(op, Attrs.EMPTY, d.isFloating(), random(d, s[0], r), y);
                }
        for (DType d : List.of(F32, F64))
            for (int[][] s : BINARY_SHAPES) simple("pow", Attrs.EMPTY, true, random(d, s[0], r, 0.2, 3), random(d, s[1], r, -2, 2));
        for (DType d : List.of(I32, I64, U8))
            for (int[][] s : BINARY_SHAPES) simple("pow", Attrs.EMPTY, false, random(d, s[0], r, -5, 6), random(d, s[1], r, 0, 4));
        for (String op : List.of("less", "lessEqual", "greater", "greaterEqual", "equal", "notEqual"))
            for (DType d : List.of(F32, F64, I32, I64, U8))
                for (int[][] s : BINARY_SHAPES) {
                    Tensor a = random(d, s[0], r, -2, 3), b = random(d, s[1], r, -2, 3); // small ranges: ties happen
                    if (d.isFloating()) { round(a); round(b); if (a.size() > 1) a.setDouble(0, Double.NaN); }
                    simple(op, Attrs.EMPTY, false, a, b);
                }
        // every pair of special values: the branch-free float comparisons (signed zeros,
        // subnormals, infinities, NaN, neighbours, the extremes whose difference overflows)
        double[] special = {Double.NaN, Double.NEGATIVE_INFINITY, -Float.MAX_VALUE, -1, -Float.MIN_VALUE, -0.0, 0.0,
                Float.MIN_VALUE, Float.MIN_NORMAL, 1, Math.nextUp(1f), Float.MAX_VALUE, Double.POSITIVE_INFINITY};
        for (String op : List.of("less", "lessEqual", "greater", "greaterEqual", "equal", "notEqual"))
            for (DType d : List.of(F32, F64)) {
                Tensor a = Tensor.zeros(d, special.length, 1), b = Tensor.zeros(d, 1, special.length);
                for (int i = 0; i < special.length; i++) {
                    a.setDouble(i, special[i]);
                    b.setDouble(i, d == F64 && i == 4 ? -Double.MIN_VALUE : d == F64 && i == 11 ? Double.MAX_VALUE : special[i]);
                }
                simple(op, Attrs.EMPTY, false, a, b);
            }
        for (String op : List.of("equal", "notEqual", "and", "or"))
            for (int[][] s : BINARY_SHAPES) simple(op, Attrs.EMPTY, false, random(BOOL, s[0], r), random(BOOL, s[1], r));
        for (DType d : List.of(F32, F64, I32, U8, BOOL))
            for (int[][] s : BINARY_SHAPES) simple("where", Attrs.EMPTY, d.isFloating(), random(BOOL, s[1], r), random(d, s[0], r), random(d, s[1], r));
        // ---- casts: every dtype to every dtype, with NaN, infinities and out-of-range values ----
        for (DType from : DType.values())
            for (DType to : DType.values()) {
                Tensor x = random(from, new int[] {12}, r, -300, 300);
                if (from.isFloating()) {
                    x.setDouble(0, Double.NaN);
                    x.setDouble(1, Double.POSITIVE_INFINITY);
                    x.setDouble(2, -0.0);
                    x.setDouble(3, 3e9);
                    x.setDouble(4, -2.7);
                }
                if (from == I64) x.setLong(0, (1L << 53) + 1);
                simple("cast", Attrs.of("dtype", to), from.isFloating() && to.isFloating() && from != F16 && to != F16, x);
            }
        // ---- reductions ----
        int[] shape = {2, 3, 4};
        List<Attrs> axes = List.of(Attrs.EMPTY, Attrs.of("axes", new int[] {0}), Attrs.of("axes", new int[] {1}), Attrs.of("axes", new int[] {2}),
                Attrs.of("axes", new int[] {0, 2}), Attrs.of("axes", new int[] {1, 2}, "keepdims", true), Attrs.of("axes", new int[] {0, 1}, "keepdims", true));
        for (String op : List.of("sum", "mean", "max", "min"))
            for (DType d : List.of(F32, F64, F16, I32, I64, U8))
                for (Attrs a : axes) {
                    Tensor x = random(d, shape, r);
                    if (d.isFloating() && !op.equals("sum") && !op.equals("mean")) round(x);
                    simple(op, a, d.isFloating() && d != F16, x);
                }
        for (Attrs a : axes) simple("sum", a, false, random(BOOL, shape, r));
        for (Attrs a : axes) simple("mean", a, false, random(BOOL, shape, r));
        simple("sum", Attrs.of("axes", new int[] {0}), true, random(F32, new int[] {128, 512}, r));
        simple("mean", Attrs.EMPTY, true, random(F32, new int[] {77}, r));
        simple("max", Attrs.of("axes", new int[] {1}), false, Tensor.of(F32, new int[] {2, 3}, 1, Double.NaN, 2, -0.0, 0.0, -1));
        for (String op : List.of("argmax", "argmin"))
            for (DType d : List.of(F32, F64, I32, I64, U8))
                for (Attrs a : List.of(Attrs.EMPTY, Attrs.of("axis", 0), Attrs.of("axis", 1), Attrs.of("axis", 2, "keepdims", true))) {
                    Tensor x = random(d, shape, r, -2, 3);
                    if (d.isFloating()) { round(x); x.setDouble(5, Double.NaN); }
                    simple(op, a, false, x);
                }
        add("numel", "mean by hand", List.of(random(F32, new int[] {3, 5}, r)),
                (g, xs) -> g.op("div", g.op("sum", xs.get(0)), g.op("numel", Attrs.of("dtype", F32), xs.get(0))), true, 0);
        // ---- matmul ----
        int[][][] mm = {{{4}, {4}}, {{3, 4}, {4}}, {{4}, {4, 5}}, {{3, 4}, {4, 5}}, {{2, 3, 4}, {4, 5}}, {{2, 1, 3, 4}, {5, 4, 6}},
            {{3, 4}, {2, 4, 5}}, {{2, 3, 4}, {4}}, {{1, 70}, {70, 1}}, {{16, 33}, {33, 20}}};
        for (DType d : List.of(F32, F64, I32, I64, U8))
            for (int[][] s : mm) {
                int k = s[0][s[0].length - 1];
                Tensor a = d == U8 ? random(d, s[0], r) : random(d, s[0], r, -4, 5), b = d == U8 ? random(d, s[1], r) : random(d, s[1], r, -4, 5);
                add("matmul", d + java.util.Arrays.deepToString(s), List.of(a, b), (g, xs) -> g.op("matmul", xs.get(0), xs.get(1)),
                        d.isFloating(), d == F32 ? 1e-6 * Math.max(k, 8) : 0);
            }
        // ---- movement ----
        for (DType d : List.of(F32, F64, F16, I32, I64, U8, BOOL)) {
            Tensor x = random(d, new int[] {2, 3, 4}, r);
            boolean gd = d == F32 || d == F64;
            simple("reshape", Attrs.of("shape", Shape.of(4, 6)), gd, x);
            simple("reshape", Attrs.of("shape", Shape.of(24)), gd, x);
            simple("transpose", Attrs.EMPTY, gd, x);
            simple("transpose", Attrs.of("perm", new int[] {1, 0, 2}), gd, x);
            simple("expandDims", Attrs.of("axis", 1), gd, x);
            simple("squeeze", Attrs.of("axes", new int[] {1}), gd, random(d, new int[] {2, 1, 4}, r));
            simple("broadcastTo", Attrs.of("shape", Shape.of(5, 2, 3, 4)), gd, x);
            simple("broadcastTo", Attrs.of("shape", Shape.of(2, 3, 4)), gd, random(d, new int[] {3, 1}, r));
            simple("slice", Attrs.of("axes", new int[] {1, 2}, "starts", new int[] {1, 0}, "stops", new int[] {3, 4}, "steps", new int[] {1, 2}), gd, x);
            simple("slice", Attrs.of("axes", new int[] {0}, "starts", new int[] {1}, "stops", new int[] {1}, "steps", new int[] {1}), false, x);
            simple("slice", Attrs.of("axes", new int[] {0, 2}, "starts", new int[] {1, 3}, "stops", new int[] {-1, 0}, "steps", new int[] {-1, -2}), gd, x);
            simple("slice", Attrs.of("axes", new int[] {1}, "starts", new int[] {2}, "stops", new int[] {-1}, "steps", new int[] {-1}), gd, x);
            simple("pad", Attrs.of("axes", new int[] {0, 2}, "lows", new int[] {1, 0}, "highs", new int[] {0, 2}, "interiors", new int[] {0, 1}), gd, x);
            simple("tile", Attrs.of("reps", new int[] {2, 1, 3}), gd, x);
            simple("tile", Attrs.of("reps", new int[] {3, 1, 1, 2}), gd, random(d, new int[] {1, 3}, r));
            simple("concat", Attrs.of("axis", 1), gd, x, random(d, new int[] {2, 2, 4}, r));
            simple("concat", Attrs.of("axis", 0), gd, x, x, random(d, new int[] {1, 3, 4}, r));
        }
        // ---- issue 11's kernel ops: prod, cumsum, argsort, takeAlongAxis, scatterAdd ----
        for (DType d : List.of(F32, F64, I32, I64, U8, BOOL)) {
            boolean gd = d == F32 || d == F64;
            Tensor x = random(d, new int[] {2, 3, 4}, r, -2, 2);
            simple("prod", Attrs.of("axes", new int[] {1}), gd, x);
            simple("prod", Attrs.of("axes", new int[] {1, 2}, "keepdims", true), gd, x);
            simple("prod", Attrs.EMPTY, gd, random(d, new int[] {5}, r, -2, 2));
            simple("prod", Attrs.of("axes", new int[] {0}), gd, random(d, new int[] {1, 3}, r, -2, 2));
            for (int axis = 0; axis < 3; axis++) simple("cumsum", Attrs.of("axis", axis), gd, x);
            simple("cumsum", Attrs.of("axis", 1, "reverse", true), gd, x);
            Tensor ties = random(d, new int[] {3, 7}, r, -2, 2);
            if (d.isFloating()) { round(ties); ties.setDouble(3, Double.NaN); ties.setDouble(9, Double.NaN); ties.setDouble(10, -0.0); }
            for (boolean desc : new boolean[] {false, true}) {
                simple("argsort", Attrs.of("axis", 1, "descending", desc), false, ties);
                simple("argsort", Attrs.of("axis", 0, "descending", desc), false, ties);
            }
            simple("argsort", Attrs.of("axis", 1), false, random(d, new int[] {2, 40}, r));
            simple("takeAlongAxis", Attrs.of("axis", 1), gd, x, indices(r, 3, 2, 5, 4));
            simple("takeAlongAxis", Attrs.of("axis", 2), gd, x, indices(r, 4, 1, 1, 6));
            simple("takeAlongAxis", Attrs.of("axis", 0), gd, x, indices(r, 2, 3, 1, 1));
            simple("takeAlongAxis", Attrs.of("axis", 0), gd, x, indices(r, 2, 5, 3, 4));
        }
        simple("prod", Attrs.of("axes", new int[] {1}), true, Tensor.of(F64, new int[] {3, 3}, 1, 0, 2, 0, 0, 3, -1, 2, 0.5));
        simple("argsort", Attrs.of("axis", 0), false, random(F32, new int[] {1000}, r));
        for (DType d : List.of(F32, F64)) {
            simple("scatterAdd", Attrs.of("axis", 1, "shape", Shape.of(2, 3, 4)), true, random(d, new int[] {2, 5, 4}, r), indices(r, 3, 2, 5, 4));
            simple("scatterAdd", Attrs.of("axis", 0, "shape", Shape.of(4, 3)), true, random(d, new int[] {6, 3}, r), indices(r, 4, 6, 1));
        }
        // views composed and then computed with: transposed operands of an element-wise op
        add("transpose", "then add", List.of(random(F32, new int[] {3, 4}, r), random(F32, new int[] {4, 3}, r)),
                (g, xs) -> g.op("add", g.op("transpose", xs.get(0)), xs.get(1)), true, 0);
        add("reshape", "of a transpose (copies)", List.of(random(F32, new int[] {3, 4}, r)),
                (g, xs) -> g.op("reshape", Attrs.of("shape", Shape.of(12)), g.op("transpose", xs.get(0))), true, 0);
        // ---- nn ----
        for (DType d : List.of(F32, F64))
            for (String op : List.of("softmax", "logSoftmax")) {
                simple(op, Attrs.EMPTY, true, random(d, new int[] {}, r));
                simple(op, Attrs.EMPTY, true, random(d, new int[] {7}, r));
                simple(op, Attrs.of("axis", 1), true, random(d, new int[] {4, 10}, r, -20, 20));
                simple(op, Attrs.of("axis", 0), true, random(d, new int[] {4, 10}, r));
                simple(op, Attrs.of("axis", 1), true, random(d, new int[] {2, 3, 4}, r));
            }
        simple("softmax", Attrs.of("axis", 0), false, Tensor.of(F32, new int[] {2}, 1000, 1001));
        for (DType l : List.of(U8, I32, I64))
            for (DType d : List.of(F32, I32, BOOL, F64)) {
                Tensor labels = random(l, new int[] {6}, r, 0, 5);
                if (l == U8) for (int i = 0; i < 6; i++) labels.setLong(i, r.nextInt(5));
                simple("oneHot", Attrs.of("depth", 5, "dtype", d), false, labels);
            }
        simple("oneHot", Attrs.of("depth", 3), false, Tensor.of(I32, new int[] {2, 2}, 0, 2, 1, 1));
        for (DType d : List.of(F32, F64))
            for (DType l : List.of(U8, I32, I64)) {
                Tensor labels = Tensor.zeros(l, 6);
                for (int i = 0; i < 6; i++) labels.setLong(i, r.nextInt(5));
                simple("sparseSoftmaxCrossEntropy", Attrs.EMPTY, true, random(d, new int[] {6, 5}, r), labels);
                Tensor l2 = Tensor.zeros(l, 2, 3);
                for (int i = 0; i < 6; i++) l2.setLong(i, r.nextInt(5));
                simple("sparseSoftmaxCrossEntropy", Attrs.EMPTY, true, random(d, new int[] {2, 3, 5}, r), l2);
            }
        // ---- later element-wise ops (their own random source, so the cases above keep their data) ----
        Random later = new Random(43);
        for (DType d : List.of(F32, F64, F16))
            for (int[] s : UNARY_SHAPES) {
                simple("erf", Attrs.EMPTY, d != F16, random(d, s, later, -4, 4));
                simple("expm1", Attrs.EMPTY, d != F16, random(d, s, later, -4, 4));
                simple("log1p", Attrs.EMPTY, d != F16, random(d, s, later, -0.9, 5));
            }
        // erf's tails, zeros, infinities and NaN; log1p below -1 and at it; expm1 overflowing
        double[] edges = {-7, -6, -5.9, -1e-300, -0.0, 0.0, 1e-300, 0.5, 5.9, 6, 7, -1, -1.5,
            Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NaN, 800, -800};
        for (DType d : List.of(F32, F64))
            for (String op : List.of("erf", "expm1", "log1p")) {
                Tensor x = Tensor.zeros(d, edges.length);
                for (int i = 0; i < edges.length; i++) x.setDouble(i, edges[i]);
                simple(op, Attrs.EMPTY, false, x);
            }
        convCases(r);
        randomCases();
    }

    /**
     * Convolution and pooling, f32 and f64, at several shapes, strides, dilations and paddings
     * (explicit, valid, and TF's "same" with its extra bottom/right row), up to the sizes of the
     * MNIST convnet; the backward ops both through autodiff and applied directly. f32 products
     * accumulate in float in the kernels (tolerance as matmul's, by the contracted length); f64
     * ones sum in another order than the reference.
     */
    private static void convCases(Random r) {
        int[] one = {1, 1}, none = {0, 0, 0, 0};
        // {x, kernel, strides, dilation, padding}
        int[][][] convs = {
            {{1, 3, 3, 1}, {2, 2, 1, 1}, one, one, none},
            {{2, 5, 4, 3}, {3, 2, 3, 4}, one, one, none},
            {{2, 7, 7, 2}, {3, 3, 2, 5}, {2, 2}, one, {1, 1, 1, 1}},
            {{1, 8, 8, 3}, {3, 3, 3, 4}, {2, 2}, one, {0, 1, 0, 1}},
            {{2, 9, 8, 2}, {3, 2, 2, 3}, {1, 2}, {2, 3}, {2, 1, 0, 3}},
            {{3, 6, 6, 5}, {1, 1, 5, 7}, {3, 2}, one, none},
            {{2, 12, 12, 1}, {3, 3, 1, 8}, one, one, none},
            {{2, 11, 11, 20}, {3, 3, 20, 33}, one, one, {1, 1, 1, 1}}};
        for (DType d : List.of(F32, F64))
            for (int[][] v : convs) {
                Attrs a = Attrs.of("strides", v[2], "dilation", v[3], "padding", v[4]);
                int k = v[1][0] * v[1][1] * v[1][2];
                double tol = d == F32 ? 1e-6 * Math.max(k, 8) : 1e-13;
                Tensor x = random(d, v[0], r, -2, 2), w = random(d, v[1], r, -2, 2);
                add("conv2d", d + java.util.Arrays.deepToString(v), List.of(x, w), (g, xs) -> g.op("conv2d", a, xs.get(0), xs.get(1)), true, tol);
                int oh = (v[0][1] + v[4][0] + v[4][1] - ((v[1][0] - 1) * v[3][0] + 1)) / v[2][0] + 1;
                int ow = (v[0][2] + v[4][2] + v[4][3] - ((v[1][1] - 1) * v[3][1] + 1)) / v[2][1] + 1;
                Tensor dy = random(d, new int[] {v[0][0], oh, ow, v[1][3]}, r, -2, 2);
                int kIn = v[1][0] * v[1][1] * v[1][3], kFilter = v[0][0] * oh * ow;
                Attrs ai = a.with("inputSize", new int[] {v[0][1], v[0][2]}), af = a.with("kernelSize", new int[] {v[1][0], v[1][1]});
                add("conv2dBackpropInput", d + java.util.Arrays.deepToString(v), List.of(dy, w),
                        (g, xs) -> g.op("conv2dBackpropInput", ai, xs.get(0), xs.get(1)), true, d == F32 ? 1e-6 * Math.max(kIn, 8) : 1e-13);
                add("conv2dBackpropFilter", d + java.util.Arrays.deepToString(v), List.of(x, dy),
                        (g, xs) -> g.op("conv2dBackpropFilter", af, xs.get(0), xs.get(1)), true, d == F32 ? 1e-6 * Math.max(kFilter, 8) : 1e-13);
            }
        // The fused form (bias and relu in the kernel's epilogue).
        for (DType d : List.of(F32, F64)) {
            Attrs a = Attrs.of("strides", new int[] {2, 1}, "dilation", one, "padding", new int[] {1, 1, 0, 2}, "relu", true);
            add("conv2d", d + " fused bias relu", List.of(random(d, new int[] {2, 7, 6, 3}, r, -2, 2), random(d, new int[] {3, 3, 3, 5}, r, -2, 2),
                    random(d, new int[] {5}, r, -2, 2)), (g, xs) -> g.op("conv2d", a, xs.toArray(Node[]::new)), true, d == F32 ? 1e-6 * 27 : 1e-13);
        }
        // {x, pool, strides, padding}
        int[][][] pools = {
            {{1, 4, 4, 1}, {2, 2}, {2, 2}, none},
            {{2, 5, 5, 3}, {2, 2}, {2, 2}, {0, 1, 0, 1}},
            {{1, 5, 4, 2}, {3, 2}, one, {1, 1, 1, 0}},
            {{2, 7, 6, 4}, {3, 3}, {2, 3}, {1, 1, 0, 2}},
            {{2, 26, 26, 32}, {2, 2}, {2, 2}, none},
            {{1, 3, 3, 17}, {3, 3}, one, {1, 1, 1, 1}}};
        for (DType d : List.of(F32, F64))
            for (int[][] v : pools) {
                Attrs a = Attrs.of("pool", v[1], "strides", v[2], "padding", v[3]);
                int oh = (v[0][1] + v[3][0] + v[3][1] - v[1][0]) / v[2][0] + 1, ow = (v[0][2] + v[3][2] + v[3][3] - v[1][1]) / v[2][1] + 1;
                double tol = d == F32 ? 1e-6 * Math.max(v[1][0] * v[1][1], 8) : 1e-13;
                // Values on a coarse grid, so windows hold ties (the first maximum must win in both).
                Tensor x = random(d, v[0], r, -3, 3);
                round(x);
                Tensor dy = random(d, new int[] {v[0][0], oh, ow, v[0][3]}, r, -2, 2);
                String name = d + java.util.Arrays.deepToString(v);
                add("maxPool2d", name, List.of(x), (g, xs) -> g.op("maxPool2d", a, xs.get(0)), true, tol);
                add("maxPool2dBackprop", name, List.of(x, dy), (g, xs) -> g.op("maxPool2dBackprop", a, xs.get(0), xs.get(1)), false, tol);
                Attrs am = a.with("relu", true); // relu's mask fused: windows won by a value not above 0 send nothing
                add("maxPool2dBackprop", name + " relu", List.of(x, dy), (g, xs) -> g.op("maxPool2dBackprop", am, xs.get(0), xs.get(1)), false, tol);
                add("avgPool2d", name, List.of(random(d, v[0], r, -2, 2)), (g, xs) -> g.op("avgPool2d", a, xs.get(0)), true, tol);
                Attrs ab = a.with("inputSize", new int[] {v[0][1], v[0][2]});
                add("avgPool2dBackprop", name, List.of(dy), (g, xs) -> g.op("avgPool2dBackprop", ab, xs.get(0)), true, tol);
            }
        // A first layer's convolution fused with its max pooling (f32 only), and its kernel and bias
        // gradients from the winners. Inputs on a grid of halves: every conv value is exact in f32 and
        // f64, so ties are the same ties on both sides and the winner codes agree exactly.
        // {x, kernel, conv strides, dilation, conv padding, pool, pool strides, pool padding, {bias?, relu?}}
        int[][][] convPools = {
            {{2, 9, 9, 1}, {3, 3, 1, 8}, one, one, none, {2, 2}, {2, 2}, none, {1, 1}},
            {{2, 8, 7, 3}, {3, 3, 3, 5}, {2, 1}, one, {1, 1, 0, 2}, {3, 3}, {2, 2}, {1, 1, 1, 0}, {1, 1}},
            {{1, 6, 6, 2}, {2, 2, 2, 17}, one, {2, 2}, none, {2, 2}, one, none, {0, 0}},
            {{3, 28, 28, 1}, {3, 3, 1, 32}, one, one, none, {2, 2}, {2, 2}, none, {1, 1}}};
        for (int[][] v : convPools) {
            Attrs a = Attrs.of("strides", v[2], "dilation", v[3], "padding", v[4], "relu", v[8][1] == 1,
                    "pool", v[5], "poolStrides", v[6], "poolPadding", v[7]);
            Attrs af = a.with("kernelSize", new int[] {v[1][0], v[1][1]});
            Tensor x = random(F32, v[0], r, -4, 4), w = random(F32, v[1], r, -4, 4), b = random(F32, new int[] {v[1][3]}, r, -4, 4);
            round(x);
            round(w);
            round(b);
            for (Tensor t : List.of(x, w, b)) for (int i = 0; i < t.size(); i++) t.setDouble(i, t.getDouble(i) / 2);
            List<Tensor> ins = v[8][0] == 1 ? List.of(x, w, b) : List.of(x, w);
            String name = java.util.Arrays.deepToString(v);
            int taps = v[1][0] * v[1][1] * v[1][2];
            add("conv2dMaxPool", name, ins, (g, xs) -> g.op("conv2dMaxPool", a, xs.toArray(Node[]::new)), false, 1e-6 * Math.max(taps, 8));
            int cy = (v[0][1] + v[4][0] + v[4][1] - ((v[1][0] - 1) * v[3][0] + 1)) / v[2][0] + 1;
            int cx = (v[0][2] + v[4][2] + v[4][3] - ((v[1][1] - 1) * v[3][1] + 1)) / v[2][1] + 1;
            int py = (cy + v[7][0] + v[7][1] - v[5][0]) / v[6][0] + 1, px = (cx + v[7][2] + v[7][3] - v[5][1]) / v[6][1] + 1;
            List<Tensor> gins = new ArrayList<>(ins);
            gins.add(random(F32, new int[] {v[0][0], py, px, v[1][3]}, r, -2, 2));
            add("conv2dMaxPoolBackpropFilter", name, gins, (g, xs) -> {
                Node both = g.op("conv2dMaxPool", a, xs.subList(0, xs.size() - 1).toArray(Node[]::new));
                Node codes = g.op("squeeze", Attrs.of("axes", new int[] {0}),
                        g.op("slice", Attrs.of("axes", new int[] {0}, "starts", new int[] {1}, "stops", new int[] {2}, "steps", new int[] {1}), both));
                return g.op("conv2dMaxPoolBackpropFilter", af, xs.get(0), codes, xs.get(xs.size() - 1));
            }, false, 1e-6 * Math.max(v[0][0] * py * px * v[1][3], 8));
        }
        // A NaN wins its max-pool window in both.
        Tensor nan = Tensor.of(F32, new int[] {1, 2, 2, 1}, 1, Double.NaN, 5, 2);
        simple("maxPool2d", Attrs.of("pool", new int[] {2, 2}, "strides", new int[] {2, 2}, "padding", none), false, nan);
        // imageTransform: every fill mode and interpolation, per-image maps and one map for all
        for (DType d : List.of(F32, F64))
            for (int mode = 0; mode < 4; mode++)
                for (int interp = 0; interp < 2; interp++) {
                    Attrs a = Attrs.of("interpolation", interp, "fillMode", mode);
                    Tensor img = random(d, new int[] {2, 5, 6, 3}, r, -2, 2);
                    Tensor maps = Tensor.of(d, new int[] {2, 8}, 0.8, -0.6, 1.5, 0.6, 0.8, -2.2, 0, 0, 1.3, 0.1, -3, -0.2, 0.9, 1.7, 0.01, -0.02);
                    Tensor oneMap = Tensor.of(d, new int[] {1, 8}, 1, 0, -2.5, 0, 1, 3.25, 0, 0);
                    Tensor fill = Tensor.scalar(d, -0.5);
                    String name = d + " mode " + mode + " interpolation " + interp;
                    add("imageTransform", name, List.of(img, maps, fill), (g, xs) -> g.op("imageTransform", a, xs.toArray(Node[]::new)), false, 0);
                    add("imageTransform", name + " one map", List.of(img, oneMap, fill), (g, xs) -> g.op("imageTransform", a, xs.toArray(Node[]::new)), false, 0);
                    add("imageTransformBackprop", name, List.of(img, maps), (g, xs) -> g.op("imageTransformBackprop", a, xs.toArray(Node[]::new)), false, 0);
                    add("imageTransformBackprop", name + " one map", List.of(img, oneMap), (g, xs) -> g.op("imageTransformBackprop", a, xs.toArray(Node[]::new)), false, 0);
                }
    }

    /** Run-time random tensors: (seed, step) scalars, odd sizes so that a Philox block is cut short. */
    private static void randomCases() {
        long[][] seedSteps = {{0, 0}, {7, 3}, {-1, 1L << 33}};
        for (String op : List.of("randomUniform", "randomNormal"))
            for (DType d : List.of(F32, F64))
                for (long[] ss : seedSteps)
                    for (int[] s : new int[][] {{}, {5}, {2, 3}, {3, 1, 3}})
                        simple(op, Attrs.of("shape", dlm.compiler.ir.Shape.of(s), "dtype", d, "stream", 12345), false, i64(ss[0]), i64(ss[1]));
    }

    private static Tensor i64(long v) {
        Tensor t = Tensor.zeros(I64);
        t.setLong(0, v);
        return t;
    }

    /** Random i32 indices into an axis of size n, negative ones included, of the given shape. */
    private static Tensor indices(Random r, int n, int... shape) {
        Tensor t = Tensor.zeros(I32, shape);
        for (int i = 0; i < t.size(); i++) t.setLong(i, r.nextInt(2 * n) - n);
        return t;
    }

    private static void round(Tensor t) {
        for (int i = 0; i < t.size(); i++) t.setDouble(i, Math.round(t.getDouble(i)));
    }

    @TestFactory
    Stream<DynamicTest> forward() {
        return CASES.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            G g = new G();
            List<Node> xs = new ArrayList<>();
            Map<String, Tensor> feeds = new LinkedHashMap<>();
            for (int i = 0; i < c.inputs().size(); i++) {
                Tensor t = c.inputs().get(i);
                xs.add(g.input("x" + i, t.dtype(), box(t.shape())));
                feeds.put("x" + i, t);
            }
            g.out("y", c.build().apply(g, xs));
            check(g.g, feeds, new ParamStore(), c.tol());
        }));
    }

    @TestFactory
    Stream<DynamicTest> gradient() {
        return CASES.stream().filter(Case::grad).map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            G g = new G();
            List<Node> xs = new ArrayList<>();
            Map<String, Tensor> feeds = new LinkedHashMap<>();
            for (int i = 0; i < c.inputs().size(); i++) {
                Tensor t = c.inputs().get(i);
                xs.add(g.input("x" + i, t.dtype(), box(t.shape())));
                feeds.put("x" + i, t);
            }
            Node y = c.build().apply(g, xs);
            // a random cotangent: loss = sum(y * w)
            Tensor w = random(y.type().dtype(), y.type().shape().sizes(), new Random(c.name().hashCode()));
            Node loss = g.op("sum", g.op("mul", y, g.constant(w)));
            List<Node> wrt = xs.stream().filter(x -> x.type().dtype().isFloating()).toList();
            List<Node> grads = Autodiff.grad(g.g, loss, wrt, g.span());
            g.out("y", y).out("loss", loss);
            for (int i = 0; i < grads.size(); i++) g.out("grad" + i, grads.get(i));
            check(g.g, feeds, new ParamStore(), c.tol() == 0 ? 0 : c.tol() * 10);
        }));
    }

    private static Object[] box(int[] shape) {
        Object[] o = new Object[shape.length];
        for (int i = 0; i < shape.length; i++) o[i] = shape[i];
        return o;
    }

    /** An index out of range in compiled code is an error at the op's line, as in the interpreter. */
    @Test
    void indexOutOfRangeIsALocatedErrorWhenCompiledCodeRuns() {
        G g = new G();
        Node x = g.input("x", F32, 2, 3), idx = g.input("i", I32, 1, 2);
        Node y = g.op("takeAlongAxis", Attrs.of("axis", 1), x, idx);
        g.out("y", y);
        Compilation c = Codegen.compile(g.g, Map.of("x", new int[] {2, 3}, "i", new int[] {1, 2}), Map.of(), "T", Codegen.Options.defaults());
        CompiledGraph cg = c.instantiate(Map.of("x", random(F32, new int[] {2, 3}, new Random(1)), "i", Tensor.of(I32, new int[] {1, 2}, -3, 3)));
        dlm.compiler.diag.DlmException e = org.junit.jupiter.api.Assertions.assertThrows(dlm.compiler.diag.DlmException.class, cg::run);
        assertEquals("ops.dlm:" + y.span().line() + ":1: error: index 3 is out of range for axis 1 of size 3", e.render().lines().findFirst().orElseThrow());
    }

    @Test
    void everyRegisteredOpIsCovered() {
        Set<String> missing = new TreeSet<>();
        for (Op op : OpRegistry.all()) if (!COVERED.contains(op.name())) missing.add(op.name());
        missing.removeAll(Set.of("input", "param", "constant")); // leaves: every case has them
        assertEquals(Set.of(), missing);
        assertTrue(CASES.size() > 500, CASES.size() + " cases");
    }
}
