package dlm.compiler.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dlm.compiler.diag.SourceSpan;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.compiler.ops.OpRegistry;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each mapped op, alone in a graph (input {@code x}, the other operands constants), exported and
 * run by ONNX Runtime, against the op's reference evaluation: exact for integer and bool results,
 * within 1e-6 (relative) for floats; at opset 17 (reduction axes as attributes) and 18 (as inputs).
 */
class OnnxOpsOrtTest {
    private static final SourceSpan AT = SourceSpan.NONE;

    /** One op applied to x and constant operands. */
    record Case(String label, String op, Attrs attrs, Tensor x, Tensor[] constants, boolean xLast) {
        @Override
        public String toString() { return label; }
    }

    private static Tensor f32(int[] shape, double... v) {
        Tensor t = Tensor.zeros(DType.F32, shape);
        for (int i = 0; i < v.length; i++) t.setDouble(i, v[i]);
        return t;
    }

    private static Tensor of(DType d, int[] shape, double... v) {
        Tensor t = Tensor.zeros(d, shape);
        for (int i = 0; i < v.length; i++) t.setDouble(i, v[i]);
        return t;
    }

    /** [2, 3, 4]: negatives, zero, fractions, ties. */
    private static Tensor x234() {
        double[] v = new double[24];
        for (int i = 0; i < 24; i++) v[i] = ((i * 7) % 11 - 5) * 0.75;
        return f32(new int[] {2, 3, 4}, v);
    }

    private static Tensor positive234() {
        double[] v = new double[24];
        for (int i = 0; i < 24; i++) v[i] = 0.25 + ((i * 5) % 9) * 0.5;
        return f32(new int[] {2, 3, 4}, v);
    }

    private static Tensor y34() {
        double[] v = new double[12];
        for (int i = 0; i < 12; i++) v[i] = ((i * 3) % 7 - 3) * 0.5 + (i == 5 ? 0.0 : 0.125);
        return f32(new int[] {3, 4}, v);
    }

    private static Case c(String label, String op, Attrs a, Tensor x, Tensor... k) { return new Case(label, op, a, x, k, false); }

    static Stream<Arguments> cases() {
        List<Case> cs = new ArrayList<>();
        for (String u : List.of("neg", "abs", "relu", "square", "sign", "stopGradient", "tanh", "sigmoid", "sin", "cos", "erf", "exp", "expm1"))
            cs.add(c(u, u, Attrs.EMPTY, x234()));
        for (String u : List.of("log", "sqrt", "log1p")) cs.add(c(u, u, Attrs.EMPTY, positive234()));
        for (String b : List.of("add", "sub", "mul", "div", "mod", "maximum", "minimum", "less", "lessEqual", "greater", "greaterEqual", "equal", "notEqual"))
            cs.add(c(b + " (broadcast)", b, Attrs.EMPTY, x234(), y34()));
        cs.add(c("pow", "pow", Attrs.EMPTY, positive234(), y34()));
        Tensor ints = of(DType.I32, new int[] {2, 3}, -7, 7, 9, -9, 5, 0), divisors = of(DType.I32, new int[] {3}, 2, -3, 4);
        cs.add(c("div i32 (truncating)", "div", Attrs.EMPTY, ints, divisors));
        cs.add(c("mod i32 (sign of the dividend)", "mod", Attrs.EMPTY, ints, divisors));
        Tensor p = of(DType.BOOL, new int[] {4}, 1, 1, 0, 0), q = of(DType.BOOL, new int[] {4}, 1, 0, 1, 0);
        cs.add(c("and", "and", Attrs.EMPTY, p, q));
        cs.add(c("or", "or", Attrs.EMPTY, p, q));
        cs.add(c("not", "not", Attrs.EMPTY, p));
        cs.add(new Case("where", "where", Attrs.EMPTY, x234(), new Tensor[] {of(DType.BOOL, new int[] {4}, 1, 0, 0, 1), y34()}, true));
        cs.add(c("cast f32→i32", "cast", Attrs.of("dtype", DType.I32), x234()));
        cs.add(c("cast i32→f32", "cast", Attrs.of("dtype", DType.F32), ints));
        cs.add(c("matmul [2,3,4]@[4,5]", "matmul", Attrs.EMPTY, x234(), f32(new int[] {4, 5}, 1, -2, 0.5, 3, 0, 2, 1, -1, 0.25, 4, -3, 0, 2, 1, 1, 0.5, 0.5, -0.5, 2, 1)));
        cs.add(c("matmul [2,3,4]@[4]", "matmul", Attrs.EMPTY, x234(), f32(new int[] {4}, 1, -2, 0.5, 3)));
        cs.add(c("sum axis 1", "sum", Attrs.of("axes", new int[] {1}), x234()));
        cs.add(c("sum all", "sum", Attrs.EMPTY, x234()));
        cs.add(c("sum u8 → i32", "sum", Attrs.of("axes", new int[] {0}), of(DType.U8, new int[] {3, 2}, 200, 100, 250, 7, 90, 1)));
        cs.add(c("mean axes 0,2 keepdims", "mean", Attrs.of("axes", new int[] {0, 2}, "keepdims", true), x234()));
        cs.add(c("prod axis 2", "prod", Attrs.of("axes", new int[] {2}), positive234()));
        cs.add(c("max axis 1", "max", Attrs.of("axes", new int[] {1}), x234()));
        cs.add(c("min all keepdims", "min", Attrs.of("keepdims", true), x234()));
        cs.add(c("argmax axis 2 (ties: first)", "argmax", Attrs.of("axis", 2), x234()));
        cs.add(c("argmin all keepdims", "argmin", Attrs.of("keepdims", true), x234()));
        cs.add(c("numel", "numel", Attrs.of("dtype", DType.F32), x234()));
        cs.add(c("numel axes 0,2", "numel", Attrs.of("axes", new int[] {0, 2}, "dtype", DType.I32), x234()));
        cs.add(c("reshape", "reshape", Attrs.of("shape", Shape.of(6, 4)), x234()));
        cs.add(c("transpose perm", "transpose", Attrs.of("perm", new int[] {2, 0, 1}), x234()));
        cs.add(c("transpose reversed", "transpose", Attrs.EMPTY, x234()));
        cs.add(c("expandDims", "expandDims", Attrs.of("axis", 3), x234()));
        cs.add(c("squeeze", "squeeze", Attrs.of("axes", new int[] {0}), f32(new int[] {1, 3}, 1, 2, 3)));
        cs.add(c("tile", "tile", Attrs.of("reps", new int[] {1, 2, 1}), x234()));
        cs.add(c("broadcastTo", "broadcastTo", Attrs.of("shape", Shape.of(2, 2, 3, 4)), x234()));
        cs.add(c("slice steps", "slice", Attrs.of("axes", new int[] {1, 2}, "starts", new int[] {0, 1}, "stops", new int[] {3, 4}, "steps", new int[] {2, 2}), x234()));
        cs.add(c("slice reversed through 0", "slice", Attrs.of("axes", new int[] {2}, "starts", new int[] {3}, "stops", new int[] {-1}, "steps", new int[] {-1}), x234()));
        cs.add(c("slice negative step", "slice", Attrs.of("axes", new int[] {1}, "starts", new int[] {2}, "stops", new int[] {0}, "steps", new int[] {-2}), x234()));
        cs.add(c("concat", "concat", Attrs.of("axis", 1), x234(), x234()));
        cs.add(c("pad", "pad", Attrs.of("axes", new int[] {0, 2}, "lows", new int[] {1, 0}, "highs", new int[] {0, 2}, "interiors", new int[] {0, 0}), x234()));
        cs.add(c("takeAlongAxis", "takeAlongAxis", Attrs.of("axis", 2), x234(),
                of(DType.I32, new int[] {2, 3, 2}, 0, 3, -1, 2, 1, 1, 3, 0, -4, 2, 2, 1)));
        cs.add(c("takeAlongAxis (same indices for every row)", "takeAlongAxis", Attrs.of("axis", 1), x234(),
                of(DType.I32, new int[] {1, 5, 1}, 2, 0, -1, 1, 2)));
        cs.add(c("cumsum", "cumsum", Attrs.of("axis", 1), x234()));
        cs.add(c("cumsum reverse", "cumsum", Attrs.of("axis", 2, "reverse", true), x234()));
        cs.add(c("softmax last", "softmax", Attrs.EMPTY, x234()));
        cs.add(c("softmax axis 1", "softmax", Attrs.of("axis", 1), x234()));
        cs.add(c("logSoftmax", "logSoftmax", Attrs.EMPTY, x234()));
        cs.add(c("oneHot", "oneHot", Attrs.of("depth", 4), of(DType.I32, new int[] {2, 3}, 0, 3, 3, 1, 2, 1)));
        double[] img = new double[2 * 5 * 6 * 2];
        for (int i = 0; i < img.length; i++) img[i] = ((i * 13) % 17 - 8) * 0.25;
        Tensor x = f32(new int[] {2, 5, 6, 2}, img);
        double[] kv = new double[3 * 3 * 2 * 3];
        for (int i = 0; i < kv.length; i++) kv[i] = ((i * 5) % 7 - 3) * 0.5;
        Tensor k = f32(new int[] {3, 3, 2, 3}, kv);
        cs.add(c("conv2d valid", "conv2d", Attrs.of("strides", new int[] {1, 1}, "dilation", new int[] {1, 1}, "padding", new int[] {0, 0, 0, 0}), x, k));
        cs.add(c("conv2d padded strided", "conv2d", Attrs.of("strides", new int[] {2, 1}, "dilation", new int[] {1, 1}, "padding", new int[] {1, 1, 0, 2}), x, k));
        cs.add(c("conv2d dilated", "conv2d", Attrs.of("strides", new int[] {1, 1}, "dilation", new int[] {1, 2}, "padding", new int[] {0, 0, 1, 1}), x, k));
        cs.add(c("maxPool2d", "maxPool2d", Attrs.of("pool", new int[] {2, 2}, "strides", new int[] {2, 2}, "padding", new int[] {0, 1, 0, 0}), x));
        cs.add(c("avgPool2d padded (padding not counted)", "avgPool2d", Attrs.of("pool", new int[] {3, 2}, "strides", new int[] {1, 2}, "padding", new int[] {1, 1, 0, 0}), x));
        List<Arguments> args = new ArrayList<>();
        for (Case cs1 : cs) for (int opset : new int[] {17, 18}) args.add(Arguments.of(cs1, opset));
        return args.stream();
    }

    @ParameterizedTest(name = "{0} opset {1}")
    @MethodSource("cases")
    void matchesTheReferenceEvaluation(Case c, int opset) throws Exception {
        Graph g = new Graph();
        Node x = g.addTyped(OpRegistry.get("input"), List.of(), Attrs.EMPTY, new TensorType(c.x().dtype(), Shape.of(c.x().shape())), AT, "x");
        List<Node> inputs = new ArrayList<>();
        for (Tensor k : c.constants())
            inputs.add(g.addTyped(OpRegistry.get("constant"), List.of(), Attrs.of("value", k), new TensorType(k.dtype(), Shape.of(k.shape())), AT, null));
        if (c.xLast()) inputs.add(1, x);
        else inputs.add(0, x);
        Node y = g.add(c.op(), inputs, c.attrs(), AT);
        g.setOutput("output", y);
        List<Tensor> values = new ArrayList<>();
        for (Node n : inputs) values.add(n == x ? c.x() : n.attrs().getTensor("value"));
        Tensor want = OpRegistry.get(c.op()).eval(values, c.attrs());

        byte[] model = OnnxExporter.export(g, List.of("x"), Map.of(), opset, "t").toByteArray();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(model, new OrtSession.SessionOptions());
             OnnxTensor in = feed(env, c.x());
             OrtSession.Result r = s.run(Map.of("x", in))) {
            OnnxTensor out = (OnnxTensor) r.get(0);
            assertArrayEquals(Arrays.stream(want.shape()).asLongStream().toArray(), ((TensorInfo) out.getInfo()).getShape(), "shape");
            double[] got = read(out);
            assertEquals(want.size(), got.length);
            for (int i = 0; i < got.length; i++) {
                double w = want.getDouble(i);
                if (want.dtype().isFloating())
                    assertTrue(Math.abs(got[i] - w) <= 1e-6 * Math.max(1, Math.abs(w)), "element " + i + ": ONNX Runtime " + got[i] + ", DLM " + w);
                else assertEquals(w, got[i], "element " + i);
            }
        }
    }

    private static OnnxTensor feed(OrtEnvironment env, Tensor t) throws Exception {
        long[] shape = Arrays.stream(t.shape()).asLongStream().toArray();
        return switch (t.dtype()) {
            case F32 -> OnnxTensor.createTensor(env, FloatBuffer.wrap(t.f32Storage().clone()), shape);
            case I32 -> OnnxTensor.createTensor(env, IntBuffer.wrap(t.i32Storage().clone()), shape);
            case U8 -> OnnxTensor.createTensor(env, ByteBuffer.wrap(t.byteStorage().clone()), shape, OnnxJavaType.UINT8);
            case BOOL -> OnnxTensor.createTensor(env, ByteBuffer.wrap(t.byteStorage().clone()), shape, OnnxJavaType.BOOL);
            default -> throw new AssertionError("no feed for " + t.dtype());
        };
    }

    private static double[] read(OnnxTensor t) {
        return switch (((TensorInfo) t.getInfo()).type) {
            case FLOAT -> { FloatBuffer b = t.getFloatBuffer(); double[] d = new double[b.remaining()]; for (int i = 0; i < d.length; i++) d[i] = b.get(i); yield d; }
            case DOUBLE -> { DoubleBuffer b = t.getDoubleBuffer(); double[] d = new double[b.remaining()]; for (int i = 0; i < d.length; i++) d[i] = b.get(i); yield d; }
            case INT32 -> { IntBuffer b = t.getIntBuffer(); double[] d = new double[b.remaining()]; for (int i = 0; i < d.length; i++) d[i] = b.get(i); yield d; }
            case INT64 -> { LongBuffer b = t.getLongBuffer(); double[] d = new double[b.remaining()]; for (int i = 0; i < d.length; i++) d[i] = b.get(i); yield d; }
            case BOOL, UINT8 -> { ByteBuffer b = t.getByteBuffer(); double[] d = new double[b.remaining()]; for (int i = 0; i < d.length; i++) d[i] = b.get(i) & 0xff; yield d; }
            default -> throw new AssertionError("unexpected output type " + t.getInfo());
        };
    }
}
