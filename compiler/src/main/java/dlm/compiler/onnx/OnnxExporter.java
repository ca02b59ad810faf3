package dlm.compiler.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dlm.compiler.codegen.Codegen;
import dlm.compiler.diag.DlmException;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.TensorType;
import dlm.compiler.train.TrainGraph;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the predict graph of a train block's model as an ONNX model: the graph {@code dlmc predict}
 * compiles (training = false, folded and simplified by the standard passes) but before the
 * rewrites into DLM's fused kernel forms, which are code-generation choices (an ONNX runtime
 * fuses by itself); params and states (batch-norm statistics, adapted normalization) as
 * initializers; each symbolic dim (the batch) as a {@code dim_param} of its name.
 */
public final class OnnxExporter {
    /** The oldest opset written: the mappings use Softmax's per-axis form (13) and ops whose forms are fixed since 17. */
    public static final int MIN_OPSET = 17;
    /** The newest opset whose operators the mappings are known to match. */
    public static final int MAX_OPSET = 21;
    public static final int DEFAULT_OPSET = 18;

    private OnnxExporter() {}

    /** Refuses an opset outside [{@link #MIN_OPSET}, {@link #MAX_OPSET}], with the reason. */
    public static void checkOpset(int opset) {
        if (opset < MIN_OPSET)
            throw new IllegalArgumentException("--opset " + opset + " is too old: dlmc export writes opset " + MIN_OPSET + " or newer (default " + DEFAULT_OPSET + ")");
        if (opset > MAX_OPSET)
            throw new IllegalArgumentException("--opset " + opset + " is newer than dlmc export knows: it writes opsets " + MIN_OPSET + " to " + MAX_OPSET);
    }

    /**
     * The ONNX model of {@code tg}'s predict step with these weights (every param and state by name).
     *
     * @throws DlmException at the source of the first node whose op has no ONNX mapping
     */
    public static ModelProto export(TrainGraph tg, Map<String, Tensor> weights, int opset, String modelName) {
        return export(Codegen.primitiveStepGraph(tg, Codegen.StepKind.PREDICT), tg.inputs.stream().map(dlm.compiler.ir.Node::name).toList(), weights, opset, modelName);
    }

    /**
     * The ONNX model of graph {@code g}: its outputs from the inputs they read, plus the
     * {@code modelInputs} (always inputs, even when unread), with these weights for its params.
     *
     * @throws DlmException at the source of the first node whose op has no ONNX mapping
     */
    public static ModelProto export(Graph g, List<String> modelInputs, Map<String, Tensor> weights, int opset, String modelName) {
        checkOpset(opset);
        GraphProto.Builder gp = GraphProto.newBuilder().setName(modelName);
        OnnxGraphBuilder b = new OnnxGraphBuilder(gp, opset);
        Map<Node, String> values = new IdentityHashMap<>();
        Set<Node> live = Graph.dependencies(g.outputs().values());
        for (Node n : g.nodes()) {
            // the train step's other inputs (labels, step, optimizer slots) and a folded-away random draw's seed
            if (n.is("input") && !live.contains(n) && !modelInputs.contains(n.name())) continue;
            if (n.is("input")) {
                if (n.attrs().getBool("runtime", false))
                    throw new DlmException(n.span(), "cannot export to ONNX: the predict graph still reads the run-time input '" + n.name() + "' (a random draw outside training)");
                String name = b.fresh(n.name());
                gp.addInput(valueInfo(name, n.type()));
                values.put(n, name);
            } else if (n.is("param")) {
                Tensor w = weights.get(n.name());
                if (w == null) throw new DlmException(n.span(), "cannot export to ONNX: the weights have no tensor named '" + n.name() + "'");
                values.put(n, b.tensor(n.name(), w));
            }
        }
        for (Node n : g.nodes()) {
            if (values.containsKey(n) || !live.contains(n)) continue;
            OnnxMapping m = OnnxOps.mapping(n.opName());
            if (m == null) {
                String why = OnnxOps.whyUnmapped(n.opName());
                throw new DlmException(n.span(), "cannot export to ONNX: op '" + n.opName() + "' has no ONNX mapping" + (why != null ? " (" + why + ")" : ""));
            }
            List<String> in = new ArrayList<>();
            for (Node i : n.inputs()) in.add(values.get(i));
            try {
                values.put(n, m.emit(n, in, b));
            } catch (OnnxMapping.Unsupported e) {
                throw new DlmException(n.span(), "cannot export to ONNX: op '" + n.opName() + "': " + e.getMessage());
            }
        }
        for (var e : g.outputs().entrySet()) {
            String name = b.fresh(e.getKey());
            b.opInto("Identity", List.of(values.get(e.getValue())), name);
            gp.addOutput(valueInfo(name, e.getValue().type()));
        }
        return ModelProto.newBuilder()
                .setIrVersion(irVersion(opset))
                .setProducerName("dlmc")
                .setModelVersion(1)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(gp)
                .build();
    }

    /** The IR version that introduced the opset (what ONNX's own helper writes). */
    static int irVersion(int opset) {
        if (opset <= 18) return 8;
        if (opset <= 20) return 9;
        return 10;
    }

    private static ValueInfoProto valueInfo(String name, TensorType t) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Dim d : t.shape().dims()) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d.isKnown()) dim.setDimValue(d.size());
            else dim.setDimParam(d.toString());
            shape.addDim(dim);
        }
        TypeProto.Tensor.Builder tensor = TypeProto.Tensor.newBuilder().setElemType(OnnxTensors.elementType(t.dtype())).setShape(shape);
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(tensor)).build();
    }
}
