package dlm.compiler.train;

import dlm.compiler.check.RuntimeInputs;
import dlm.compiler.codegen.Codegen;
import dlm.compiler.diag.DlmException;
import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.compiler.ops.OpRegistry;
import dlm.compiler.passes.BindInputs;
import dlm.compiler.passes.PassPipeline;
import dlm.compiler.passes.Rewriter;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The train step of a {@link TrainGraph} split in two for data-parallel training: a
 * <em>gradient</em> step (forward pass, loss, metrics and the gradient of the loss w.r.t. every
 * param, outputs {@code grad:<param>}) run once per shard, and an <em>apply</em> step (clipping,
 * weight decay and the optimizer's update of params and slots, in place) run once per batch on
 * the summed gradients, which are its inputs {@code grad:<param>}. Both are cut from the one train
 * graph: the gradient step keeps its loss, metrics and gradient nodes; the apply step replaces
 * every gradient node by an input and keeps the updates, so the arithmetic on either side of the
 * cut is the train step's own.
 *
 * <p>With more than one shard, state updates (batch-norm moving statistics: each shard would
 * update them from its own rows) are refused at their place. Run-time random draws (dropout) are
 * not: each shard draws from its own stream ({@link ShardGradientStep#shardSeed}), so the draws
 * depend on K, not on the machine. Params must be f32 (the gradients travel as f32 arrays); sample
 * weights from the data are refused for any K (the gradient step takes no weights input).
 */
public final class ShardSteps {
    /** The prefix of a gradient's output (gradient step) and input (apply step). */
    public static final String GRAD = "grad:";

    private ShardSteps() {}

    /** The params that get gradients, in {@link TrainGraph#params} order (the order of every gradient array). */
    public static List<String> paramNames(TrainGraph tg) { return tg.params.stream().map(Node::name).toList(); }

    /** Refuses, at its place, what K shards cannot compute as one batch does (see the class comment). */
    public static void checkShardable(TrainGraph tg, int shards) {
        for (Node p : tg.params)
            if (p.type().dtype() != DType.F32)
                throw new DlmException(p.span(), "data-parallel training (--shards) needs f32 params; " + p.name() + " is " + p.type());
        if (tg.sampleWeight != null)
            throw new DlmException(tg.sampleWeight.span(), "data-parallel training (--shards) does not support sample weights from the data yet"
                    + " (each shard's weighted mean would need the whole batch's weights); remove sampleWeight or train without --shards");
        if (shards <= 1) return;
        for (String s : tg.stateUpdates.keySet()) {
            Node n = tg.stateUpdates.get(s);
            throw new DlmException(n.span(), "--shards " + shards + ": state " + s + " is updated by the train step (batch-norm statistics), which shards cannot"
                    + " reproduce: each would update it from its own rows; train with --shards 1");
        }
    }

    /** The gradient step: loss, metrics (the train step's own, class-weighted when it has them), {@code grad:<param>} and state updates. */
    public static Graph gradientGraph(TrainGraph tg) {
        var copy = Rewriter.copyOf(tg.graph);
        Graph g = copy.graph();
        Map<String, Node> outs = new LinkedHashMap<>(g.outputs());
        g.clearOutputs();
        for (var e : outs.entrySet()) {
            String name = e.getKey();
            boolean lossOrMetric = name.equals("loss") || tg.metricNames.contains(name);
            boolean trainOwn = name.startsWith(TrainGraph.TRAIN_PREFIX);
            boolean state = name.startsWith("update:") && tg.stateUpdates.containsKey(name.substring("update:".length()));
            if (state || trainOwn || (lossOrMetric && !outs.containsKey(TrainGraph.TRAIN_PREFIX + name)))
                g.setOutput(trainOwn ? name.substring(TrainGraph.TRAIN_PREFIX.length()) : name, e.getValue());
        }
        for (int i = 0; i < tg.params.size(); i++) g.setOutput(GRAD + tg.params.get(i).name(), copy.mapping().get(tg.grads.get(i)));
        return optimize(g, true);
    }

    /** The apply step: every gradient node becomes the input {@code grad:<param>}; the outputs are the param and slot updates. */
    public static Graph applyGraph(TrainGraph tg) {
        Map<Node, String> gradOf = new IdentityHashMap<>();
        for (int i = 0; i < tg.params.size(); i++) gradOf.putIfAbsent(tg.grads.get(i), GRAD + tg.params.get(i).name());
        Rewriter rw = new Rewriter(tg.graph);
        for (Node n : tg.graph.nodes()) {
            String in = gradOf.get(n);
            if (in == null) rw.copy(n);
            else rw.replace(n, rw.target().addTyped(OpRegistry.get("input"), List.of(), Attrs.EMPTY, n.type(), n.span(), in));
        }
        Graph g = rw.finish().graph();
        Map<String, Node> outs = new LinkedHashMap<>(g.outputs());
        g.clearOutputs();
        for (var e : outs.entrySet())
            if (e.getKey().startsWith("slot:") || (e.getKey().startsWith("update:") && !tg.stateUpdates.containsKey(e.getKey().substring("update:".length()))))
                g.setOutput(e.getKey(), e.getValue());
        Graph opt = optimize(g, true);
        for (Node n : opt.nodes())
            for (Node in : n.inputs())
                if (in.is("input") && (tg.images.name().equals(in.name()) || tg.labels.name().equals(in.name())))
                    throw new IllegalStateException("the optimizer update depends on the batch beyond its gradients (input " + in.name() + ")");
        // the batch's inputs are left unused by the cut: drop them, so the step takes no batch at all
        Rewriter rw2 = new Rewriter(opt);
        for (Node n : opt.nodes()) {
            if (n.is("input") && (tg.images.name().equals(n.name()) || tg.labels.name().equals(n.name()))) rw2.drop(n);
            else rw2.copy(n);
        }
        return rw2.finish().graph();
    }

    /** The names of the apply step's gradient inputs, per param (params sharing one gradient node share the first one's input). */
    public static List<String> gradInputs(TrainGraph tg) {
        Map<Node, String> gradOf = new IdentityHashMap<>();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < tg.params.size(); i++) {
            String name = GRAD + tg.params.get(i).name();
            out.add(gradOf.computeIfAbsent(tg.grads.get(i), k -> name));
        }
        return out;
    }

    /** Binds the training flag to true (as the train step does) and runs the passes the train step runs. */
    private static Graph optimize(Graph g, boolean training) {
        Tensor flag = Tensor.scalar(DType.BOOL, training ? 1 : 0);
        return PassPipeline.beforeCodegen().apply(PassPipeline.standard().apply(BindInputs.apply(g, Map.of(RuntimeInputs.TRAINING, flag))));
    }

    /** Where {@code update:W} and {@code slot:W/s} write in the apply step (params and slots in place). */
    public static Map<String, String> applyInPlace(TrainGraph tg) {
        Map<String, String> m = new LinkedHashMap<>(Codegen.inPlaceOutputs(tg, Codegen.StepKind.TRAIN));
        for (String s : tg.stateUpdates.keySet()) m.remove("update:" + s);
        return m;
    }

    /** Where the gradient step writes its state updates (only with one shard): the states in place. */
    public static Map<String, String> gradientInPlace(TrainGraph tg) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String s : tg.stateUpdates.keySet()) m.put("update:" + s, s);
        return m;
    }
}
