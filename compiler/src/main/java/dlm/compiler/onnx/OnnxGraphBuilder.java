package dlm.compiler.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Appends ONNX nodes, initializers and constants to one {@link GraphProto}, naming every value
 * uniquely. The mappings ({@link OnnxOps}) use it to write the nodes of one DLM op; they never see
 * protobuf builders for graphs or models.
 */
public final class OnnxGraphBuilder {
    private final GraphProto.Builder graph;
    private final int opset;
    private final Set<String> used = new HashSet<>();
    private int counter;

    OnnxGraphBuilder(GraphProto.Builder graph, int opset) {
        this.graph = graph;
        this.opset = opset;
    }

    /** The ONNX opset being written: mappings whose operator changed across opsets ask it. */
    public int opset() { return opset; }

    /** A value name not used yet, from a readable base ({@code hidden.W}, {@code %12}). */
    String fresh(String base) {
        String name = base;
        while (!used.add(name)) name = base + "_" + (++counter);
        return name;
    }

    /** Adds one node {@code opType(inputs) → a fresh value} and returns the value's name. */
    public String op(String opType, List<String> inputs, AttributeProto... attrs) {
        String out = fresh(opType.toLowerCase(java.util.Locale.ROOT) + "_" + (++counter));
        opInto(opType, inputs, out, attrs);
        return out;
    }

    /** Adds one node writing {@code output}. */
    void opInto(String opType, List<String> inputs, String output, AttributeProto... attrs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(opType).setName(output).addAllInput(inputs).addOutput(output);
        for (AttributeProto a : attrs) n.addAttribute(a);
        graph.addNode(n);
    }

    /** A constant 1-D int64 tensor (shapes, axes, starts, …) as an initializer. */
    public String ints(long... values) {
        String name = fresh("const_" + (++counter));
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE).addDims(values.length);
        for (long v : values) t.addInt64Data(v);
        graph.addInitializer(t);
        return name;
    }

    /** A constant 1-D int64 tensor from ints. */
    public String ints(int[] values) {
        long[] l = new long[values.length];
        for (int i = 0; i < values.length; i++) l[i] = values[i];
        return ints(l);
    }

    /** A scalar constant of {@code dtype} as an initializer. */
    public String scalar(DType dtype, double value) {
        Tensor t = Tensor.zeros(dtype);
        t.setDouble(0, value);
        return tensor("const_" + (++counter), t);
    }

    /** A tensor as an initializer named (uniquely) after {@code base}. */
    String tensor(String base, Tensor t) {
        String name = fresh(base);
        graph.addInitializer(OnnxTensors.toProto(name, t));
        return name;
    }

    public static AttributeProto attr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    public static AttributeProto attr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    public static AttributeProto attr(String name, int[] values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (int v : values) a.addInts(v);
        return a.build();
    }
}
