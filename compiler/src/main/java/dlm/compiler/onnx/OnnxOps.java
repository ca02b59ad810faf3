package dlm.compiler.onnx;

import static dlm.compiler.onnx.OnnxGraphBuilder.attr;

import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.compiler.ir.TensorType;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ONNX mapping of every op of {@link dlm.compiler.ops.OpRegistry}, keyed by the op's registry
 * name: one entry per op, either a {@link OnnxMapping} ({@link #mapping}) or the reason it has
 * none ({@link #unmapped}); the graph leaves {@code input} and {@code param} are the exporter's
 * own ({@link #LEAVES}). OnnxOpsTest checks that every registered op is in exactly one of the
 * three, so a new op cannot be forgotten here. The ops package itself knows nothing of ONNX (it
 * must not import the exporter), which is why the table lives beside the exporter rather than on
 * the op classes — the element-wise ops are instances of a few shared classes, so a per-class
 * lookup could not tell {@code add} from {@code sub} anyway.
 *
 * <p>Every mapping computes the op's exact semantics (as its {@code eval} defines them) for the
 * dtypes and attributes it accepts and throws {@link OnnxMapping.Unsupported} for the rest.
 */
public final class OnnxOps {
    private OnnxOps() {}

    /** Ops the exporter itself writes as graph inputs and initializers. */
    public static final List<String> LEAVES = List.of("input", "param");

    private static final Map<String, OnnxMapping> MAPPED = new TreeMap<>();
    private static final Map<String, String> UNMAPPED = new TreeMap<>();

    /** The mapping of an op, or null when it has none. */
    public static OnnxMapping mapping(String op) { return MAPPED.get(op); }

    /** Why an op has no mapping, or null when it has one (or is a leaf). */
    public static String whyUnmapped(String op) { return UNMAPPED.get(op); }

    public static Map<String, OnnxMapping> mapped() { return Collections.unmodifiableMap(MAPPED); }

    public static Map<String, String> unmapped() { return Collections.unmodifiableMap(UNMAPPED); }

    private static void map(String op, OnnxMapping m) {
        if (MAPPED.put(op, m) != null) throw new IllegalStateException("ONNX mapping given twice: " + op);
    }

    private static void none(String op, String why) {
        if (UNMAPPED.put(op, why) != null) throw new IllegalStateException("op listed twice: " + op);
    }

    /** An ONNX operator applied to the op's inputs as they are. */
    private static void direct(String op, String onnx) { map(op, (n, in, b) -> b.op(onnx, in)); }

    static {
        map("constant", (n, in, b) -> b.tensor("const", n.attrs().getTensor("value")));

        // element-wise: same dtype in and out, NumPy broadcasting, as ONNX's
        direct("add", "Add");
        direct("sub", "Sub");
        direct("mul", "Mul");
        direct("div", "Div");                         // integers: truncating, as DLM's
        map("mod", (n, in, b) -> b.op("Mod", in, attr("fmod", 1)));   // the sign of the dividend, as DLM's (Kotlin's) %
        direct("pow", "Pow");
        direct("maximum", "Max");
        direct("minimum", "Min");
        direct("less", "Less");
        direct("lessEqual", "LessOrEqual");
        direct("greater", "Greater");
        direct("greaterEqual", "GreaterOrEqual");
        direct("equal", "Equal");
        map("notEqual", (n, in, b) -> b.op("Not", List.of(b.op("Equal", in))));
        direct("and", "And");
        direct("or", "Or");
        direct("not", "Not");
        direct("neg", "Neg");
        direct("abs", "Abs");
        direct("relu", "Relu");
        map("square", (n, in, b) -> b.op("Mul", List.of(in.get(0), in.get(0))));
        direct("sign", "Sign");
        direct("stopGradient", "Identity");
        direct("exp", "Exp");
        direct("log", "Log");
        direct("sqrt", "Sqrt");
        direct("tanh", "Tanh");
        direct("sigmoid", "Sigmoid");
        direct("sin", "Sin");
        direct("cos", "Cos");
        // ONNX has no log1p/expm1: the two-node forms lose the relative accuracy for tiny x
        map("log1p", (n, in, b) -> b.op("Log", List.of(b.op("Add", List.of(in.get(0), b.scalar(n.type().dtype(), 1))))));
        map("expm1", (n, in, b) -> b.op("Sub", List.of(b.op("Exp", in), b.scalar(n.type().dtype(), 1))));
        direct("erf", "Erf");
        direct("where", "Where");
        direct("matmul", "MatMul");                   // NumPy matmul semantics, as DLM's @
        map("cast", (n, in, b) -> b.op("Cast", in, attr("to", OnnxTensors.elementType(n.type().dtype()))));

        // reductions (ReduceSum takes its axes as an input since opset 13, the others since 18)
        reduce("sum", "ReduceSum", 13);
        reduce("mean", "ReduceMean", 18);
        reduce("prod", "ReduceProd", 18);
        reduce("max", "ReduceMax", 18);
        reduce("min", "ReduceMin", 18);
        argReduce("argmax", "ArgMax");
        argReduce("argmin", "ArgMin");
        map("numel", OnnxOps::numel);

        // movement
        map("reshape", (n, in, b) -> reshape(b, in.get(0), n.type().shape()));
        map("transpose", (n, in, b) -> b.op("Transpose", in, attr("perm", transposePerm(n))));
        map("expandDims", (n, in, b) -> b.op("Unsqueeze", List.of(in.get(0), b.ints(n.attrs().getInt("axis")))));
        map("squeeze", (n, in, b) -> b.op("Squeeze", List.of(in.get(0), b.ints(n.attrs().getInts("axes")))));
        map("tile", (n, in, b) -> b.op("Tile", List.of(in.get(0), b.ints(n.attrs().getInts("reps")))));
        map("broadcastTo", OnnxOps::broadcastTo);
        map("slice", OnnxOps::slice);
        map("concat", (n, in, b) -> b.op("Concat", in, attr("axis", n.attrs().getInt("axis"))));
        map("pad", OnnxOps::pad);
        map("takeAlongAxis", OnnxOps::takeAlongAxis);
        map("cumsum", (n, in, b) -> b.op("CumSum", List.of(in.get(0), b.ints(n.attrs().getInt("axis"))),
                attr("reverse", n.attrs().getBool("reverse", false) ? 1 : 0)));

        // neural-network ops
        map("softmax", (n, in, b) -> b.op("Softmax", in, attr("axis", n.attrs().getInt("axis", n.type().rank() - 1))));
        map("logSoftmax", (n, in, b) -> b.op("LogSoftmax", in, attr("axis", n.attrs().getInt("axis", n.type().rank() - 1))));
        map("oneHot", OnnxOps::oneHot);
        map("conv2d", OnnxOps::conv2d);
        map("maxPool2d", (n, in, b) -> nhwc(b, "MaxPool", in.get(0), n.attrs()));
        map("avgPool2d", (n, in, b) -> nhwc(b, "AveragePool", in.get(0), n.attrs(), attr("count_include_pad", 0)));

        String training = "it only occurs in training graphs (a loss, a gradient or a random draw), never in a predict graph";
        none("sparseSoftmaxCrossEntropy", training);
        none("conv2dBackpropInput", training);
        none("conv2dBackpropFilter", training);
        none("maxPool2dBackprop", training);
        none("conv2dMaxPool", "a fused kernel form made only just before code generation; export sees the conv2d and maxPool2d it replaces");
        none("conv2dMaxPoolBackpropFilter", training);
        none("avgPool2dBackprop", training);
        none("imageTransformBackprop", training);
        none("scatterAdd", "ONNX's ScatterElements adds only into a given tensor, not DLM's fresh zeros of a given shape (not mapped yet)");
        none("randomUniform", "ONNX's random ops draw other numbers than DLM's counter-based generator");
        none("randomNormal", "ONNX's random ops draw other numbers than DLM's counter-based generator");
        none("imageTransform", "ONNX has no affine image resampling with DLM's fill rules (a training-time augmentation)");
        none("argsort", "ONNX's TopK leaves the place of NaN unspecified, which DLM sorts as the largest value");
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private static String cast(OnnxGraphBuilder b, String v, DType from, DType to) {
        return from == to ? v : b.op("Cast", List.of(v), attr("to", OnnxTensors.elementType(to)));
    }

    /** A reduction over attr {@code axes} (all when absent), its input cast first when the op widens the dtype (sum of u8 → i32). */
    private static void reduce(String op, String onnx, int axesInputSince) {
        map(op, (n, in, b) -> {
            String x = cast(b, in.get(0), n.input(0).type().dtype(), n.type().dtype());
            List<String> inputs = new ArrayList<>(List.of(x));
            var keep = attr("keepdims", n.attrs().getBool("keepdims", false) ? 1 : 0);
            if (!n.attrs().has("axes")) return b.op(onnx, inputs, keep);
            int[] axes = n.attrs().getInts("axes");
            if (axes.length == 0) return b.op("Identity", inputs);   // ONNX reads no axes as all of them
            if (b.opset() >= axesInputSince) {
                inputs.add(b.ints(axes));
                return b.op(onnx, inputs, keep);
            }
            return b.op(onnx, inputs, keep, attr("axes", axes));
        });
    }

    /** argmax/argmin along attr {@code axis}, or over all elements (flattened) when absent; DLM's result is i32, ONNX's i64. */
    private static void argReduce(String op, String onnx) {
        map(op, (n, in, b) -> {
            boolean keep = n.attrs().getBool("keepdims", false);
            String r;
            if (n.attrs().has("axis")) {
                r = b.op(onnx, in, attr("axis", n.attrs().getInt("axis")), attr("keepdims", keep ? 1 : 0), attr("select_last_index", 0));
            } else {
                String flat = b.op("Reshape", List.of(in.get(0), b.ints(-1L)));
                r = b.op(onnx, List.of(flat), attr("axis", 0), attr("keepdims", 0), attr("select_last_index", 0));
                if (keep) r = reshape(b, r, n.type().shape());
            }
            return cast(b, r, DType.I64, n.type().dtype());
        });
    }

    /** The product of x's sizes over attr {@code axes} (all when absent), read from its shape at run time (it may be symbolic). */
    private static String numel(Node n, List<String> in, OnnxGraphBuilder b) {
        String sizes = b.op("Shape", in);
        if (n.attrs().has("axes")) sizes = b.op("Gather", List.of(sizes, b.ints(n.attrs().getInts("axes"))), attr("axis", 0));
        return cast(b, b.op("ReduceProd", List.of(sizes), attr("keepdims", 0)), DType.I64, n.type().dtype());
    }

    /** Reshape to a static shape with at most one symbolic dim (written -1). */
    private static String reshape(OnnxGraphBuilder b, String x, Shape target) {
        long[] dims = new long[target.rank()];
        int unknown = 0;
        boolean zero = false;
        for (int i = 0; i < dims.length; i++) {
            Dim d = target.dim(i);
            if (d.isKnown()) {
                dims[i] = d.size();
                zero |= dims[i] == 0;
            } else {
                dims[i] = -1;
                unknown++;
            }
        }
        if (unknown > 1) throw new OnnxMapping.Unsupported("a reshape to " + target + " has more than one symbolic dim");
        if (zero && unknown > 0) throw new OnnxMapping.Unsupported("a reshape to " + target + " has both an empty and a symbolic dim");
        return zero ? b.op("Reshape", List.of(x, b.ints(dims)), attr("allowzero", 1)) : b.op("Reshape", List.of(x, b.ints(dims)));
    }

    private static int[] transposePerm(Node n) {
        if (n.attrs().has("perm")) return n.attrs().getInts("perm");
        int r = n.type().rank();
        int[] p = new int[r];
        for (int i = 0; i < r; i++) p[i] = r - 1 - i;
        return p;
    }

    /** Expand: a symbolic target dim must be the input's own (aligned from the right), written 1 so the input's size is kept. */
    private static String broadcastTo(Node n, List<String> in, OnnxGraphBuilder b) {
        Shape target = n.type().shape(), from = n.input(0).type().shape();
        long[] dims = new long[target.rank()];
        for (int i = 0; i < dims.length; i++) {
            Dim d = target.dim(i);
            int j = i - (target.rank() - from.rank());
            if (d.isKnown()) dims[i] = d.size();
            else if (j >= 0 && from.dim(j).equals(d)) dims[i] = 1;
            else throw new OnnxMapping.Unsupported("broadcasting " + from + " to " + target + " makes a symbolic dim of size-1 one");
        }
        return b.op("Expand", List.of(in.get(0), b.ints(dims)));
    }

    /** DLM's normalized slice: a negative step's stop -1 ("through index 0") is ONNX's "before the start". */
    private static String slice(Node n, List<String> in, OnnxGraphBuilder b) {
        Attrs a = n.attrs();
        int[] axes = a.getInts("axes"), starts = a.getInts("starts"), stops = a.getInts("stops"), steps = a.getInts("steps");
        long[] s = new long[axes.length], e = new long[axes.length];
        for (int i = 0; i < axes.length; i++) {
            s[i] = starts[i] < 0 ? Long.MIN_VALUE : starts[i];
            e[i] = stops[i] < 0 ? Long.MIN_VALUE : stops[i];
        }
        return b.op("Slice", List.of(in.get(0), b.ints(s), b.ints(e), b.ints(axes), b.ints(steps)));
    }

    /**
     * GatherElements, which takes indices of the result's shape: DLM's indices may be 1 on the
     * axes before or after the indexed one (every row uses the same indices), so they are first
     * expanded to x's sizes there, read from x's shape at run time (they may be symbolic).
     */
    private static String takeAlongAxis(Node n, List<String> in, OnnxGraphBuilder b) {
        int axis = n.attrs().getInt("axis");
        String idx = in.get(1);
        if (!n.input(1).type().shape().equals(n.type().shape())) {
            int r = n.type().rank();
            List<String> parts = new ArrayList<>();
            if (axis > 0) parts.add(b.op("Shape", List.of(in.get(0)), attr("start", 0), attr("end", axis)));
            parts.add(b.op("Shape", List.of(idx), attr("start", axis), attr("end", axis + 1)));
            if (axis + 1 < r) parts.add(b.op("Shape", List.of(in.get(0)), attr("start", axis + 1)));
            String shape = parts.size() == 1 ? parts.get(0) : b.op("Concat", parts, attr("axis", 0));
            idx = b.op("Expand", List.of(idx, shape));
        }
        return b.op("GatherElements", List.of(in.get(0), idx), attr("axis", axis));
    }

    /** Zero padding (ONNX pads: all begins, then all ends); DLM's interior padding has no ONNX form. */
    private static String pad(Node n, List<String> in, OnnxGraphBuilder b) {
        Attrs a = n.attrs();
        int[] axes = a.getInts("axes"), lows = a.getInts("lows"), highs = a.getInts("highs"), interiors = a.getInts("interiors");
        int r = n.type().rank();
        long[] pads = new long[2 * r];
        for (int i = 0; i < axes.length; i++) {
            if (interiors[i] != 0) throw new OnnxMapping.Unsupported("padding with zeros between elements (interior " + interiors[i] + ") has no ONNX form");
            pads[axes[i]] = lows[i];
            pads[r + axes[i]] = highs[i];
        }
        return b.op("Pad", List.of(in.get(0), b.ints(pads)));
    }

    /**
     * {@code labels[..., None] == arange(depth)}, cast to the result dtype. A label outside
     * [0, depth), a data error in DLM, gives a row of zeros (ONNX's OneHot would wrap a negative one).
     */
    private static String oneHot(Node n, List<String> in, OnnxGraphBuilder b) {
        DType labels = n.input(0).type().dtype();
        int depth = n.attrs().getInt("depth");
        Tensor range = Tensor.zeros(labels, depth);
        for (int i = 0; i < depth; i++) range.setDouble(i, i);
        String hit = b.op("Equal", List.of(b.op("Unsqueeze", List.of(in.get(0), b.ints(-1L))), b.tensor("range", range)));
        return b.op("Cast", List.of(hit), attr("to", OnnxTensors.elementType(n.type().dtype())));
    }

    /** NHWC → NCHW, an ONNX window op, → NHWC; DLM's padding (top, bottom, left, right) as ONNX's (top, left, bottom, right). */
    private static String nhwc(OnnxGraphBuilder b, String onnx, String x, Attrs a, ai.onnx.proto.OnnxMl.AttributeProto... more) {
        int[] p = a.getInts("padding");
        List<ai.onnx.proto.OnnxMl.AttributeProto> attrs = new ArrayList<>(List.of(
                attr("kernel_shape", a.getInts("pool")), attr("strides", a.getInts("strides")), attr("pads", new int[] {p[0], p[2], p[1], p[3]})));
        attrs.addAll(List.of(more));
        String y = b.op(onnx, List.of(toNchw(b, x)), attrs.toArray(ai.onnx.proto.OnnxMl.AttributeProto[]::new));
        return toNhwc(b, y);
    }

    /** conv2d (and its fused form with a bias and relu): NHWC input, HWIO kernel → ONNX's NCHW and OIHW. */
    private static String conv2d(Node n, List<String> in, OnnxGraphBuilder b) {
        Attrs a = n.attrs();
        int[] p = a.getInts("padding");
        TensorType k = n.input(1).type();
        List<String> inputs = new ArrayList<>(List.of(toNchw(b, in.get(0)), b.op("Transpose", List.of(in.get(1)), attr("perm", new int[] {3, 2, 0, 1}))));
        if (in.size() > 2) inputs.add(in.get(2));
        String y = b.op("Conv", inputs, attr("kernel_shape", new int[] {k.shape().dim(0).size(), k.shape().dim(1).size()}),
                attr("strides", a.getInts("strides")), attr("dilations", a.getInts("dilation")), attr("pads", new int[] {p[0], p[2], p[1], p[3]}));
        if (a.getBool("relu", false)) y = b.op("Relu", List.of(y));
        return toNhwc(b, y);
    }

    private static String toNchw(OnnxGraphBuilder b, String x) { return b.op("Transpose", List.of(x), attr("perm", new int[] {0, 3, 1, 2})); }

    private static String toNhwc(OnnxGraphBuilder b, String x) { return b.op("Transpose", List.of(x), attr("perm", new int[] {0, 2, 3, 1})); }
}
