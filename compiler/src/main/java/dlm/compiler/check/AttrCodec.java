package dlm.compiler.check;

import dlm.compiler.check.Value.*;
import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceSpan;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Op attributes written as DLM values, both ways: {@code primitive("reshape", x, shape = [batch, 784])}
 * reads them, and the DLM source printer writes them. Attributes share one vocabulary across ops
 * (an attribute name always has the same kind), which is what lets one generic call form express
 * every op in the registry.
 */
public final class AttrCodec {
    private AttrCodec() {}

    /** The kind of each attribute name used by the registry's ops. */
    public enum Kind { INT, INTS, BOOL, DTYPE, SHAPE, TENSOR, DOUBLE }

    private static final Map<String, Kind> KINDS = Map.ofEntries(
            Map.entry("axis", Kind.INT), Map.entry("depth", Kind.INT), Map.entry("stream", Kind.INT), Map.entry("inferAxis", Kind.INT),
            Map.entry("axes", Kind.INTS), Map.entry("perm", Kind.INTS), Map.entry("reps", Kind.INTS),
            Map.entry("starts", Kind.INTS), Map.entry("stops", Kind.INTS), Map.entry("steps", Kind.INTS),
            Map.entry("lows", Kind.INTS), Map.entry("highs", Kind.INTS), Map.entry("interiors", Kind.INTS),
            Map.entry("keepdims", Kind.BOOL), Map.entry("dtype", Kind.DTYPE), Map.entry("shape", Kind.SHAPE),
            Map.entry("value", Kind.TENSOR), Map.entry("scale", Kind.DOUBLE),
            Map.entry("strides", Kind.INTS), Map.entry("dilation", Kind.INTS), Map.entry("padding", Kind.INTS),
            Map.entry("pool", Kind.INTS), Map.entry("inputSize", Kind.INTS), Map.entry("kernelSize", Kind.INTS),
            Map.entry("poolStrides", Kind.INTS), Map.entry("poolPadding", Kind.INTS),
            Map.entry("relu", Kind.BOOL), Map.entry("reverse", Kind.BOOL), Map.entry("descending", Kind.BOOL),
            Map.entry("interpolation", Kind.INT), Map.entry("fillMode", Kind.INT));

    public static Kind kind(String attr) { return KINDS.get(attr); }

    /** A DLM value given for attribute {@code name}, as the Java value the op expects. */
    static Object decode(String name, Value v, SourceSpan at) {
        Kind k = KINDS.get(name);
        if (k == null) throw new DlmException(at, "unknown op attribute '" + name + "'");
        return switch (k) {
            case INT -> (int) Elaborator.intValue(v, at, "'" + name + "'");
            case DOUBLE -> {
                if (v instanceof NumberV n) yield n.value();
                throw new DlmException(at, "'" + name + "' must be a number");
            }
            case BOOL -> {
                if (v instanceof BoolV b) yield b.value();
                throw new DlmException(at, "'" + name + "' must be true or false");
            }
            case DTYPE -> {
                if (v instanceof DTypeV d) yield d.dtype();
                throw new DlmException(at, "'" + name + "' must be a dtype such as f32");
            }
            case INTS -> {
                List<Value> items = items(v, at, name);
                int[] r = new int[items.size()];
                for (int i = 0; i < r.length; i++) r[i] = (int) Elaborator.intValue(items.get(i), at, "'" + name + "'");
                yield r;
            }
            case SHAPE -> {
                List<Dim> dims = new ArrayList<>();
                for (Value it : items(v, at, name)) dims.add(Elaborator.dimValue(it, at, "'" + name + "'"));
                yield new Shape(dims);
            }
            case TENSOR -> {
                if (v instanceof TensorV t && t.node().is("constant")) yield t.node().attrs().getTensor("value");
                if (v instanceof NumberV n) yield Tensor.scalar(n.defaultDType(), n.value());
                throw new DlmException(at, "'" + name + "' must be a constant tensor");
            }
        };
    }

    private static List<Value> items(Value v, SourceSpan at, String name) {
        if (v instanceof ListV l) return l.items();
        if (v instanceof ShapeV s) {
            List<Value> out = new ArrayList<>();
            for (Dim d : s.shape().dims()) out.add(d.isKnown() ? new NumberV(d.coefficient(), true, null) : new DimV(d));
            return out;
        }
        if (v instanceof TensorV t && t.node().is("constant") && t.node().type().rank() == 1 && t.node().type().dtype().isInteger()) {
            Node n = t.node();
            Tensor c = n.attrs().getTensor("value");
            List<Value> out = new ArrayList<>();
            for (int i = 0; i < c.size(); i++) out.add(new NumberV(c.getLong(i), true, null));
            return out;
        }
        throw new DlmException(at, "'" + name + "' must be a list such as [0, 1]");
    }

    /** DLM source for an attribute value (the inverse of {@link #decode}). */
    public static String encode(Object v) {
        return switch (v) {
            case int[] a -> list(a);
            case Boolean b -> b.toString();
            case DType d -> d.dlmName();
            case Shape s -> s.toString();
            case Integer i -> i.toString();
            case Long l -> l.toString();
            case Double d -> Show.number(d);
            case Tensor t -> TensorSource.literal(t);
            default -> throw new IllegalArgumentException("cannot write attribute value " + v + " as DLM");
        };
    }

    private static String list(int[] a) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < a.length; i++) sb.append(i > 0 ? ", " : "").append(a[i]);
        return sb.append(']').toString();
    }
}
