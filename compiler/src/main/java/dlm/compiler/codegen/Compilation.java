package dlm.compiler.codegen;

import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.exec.CompiledStep;
import dlm.runtime.exec.StepClasses;
import dlm.runtime.exec.StepLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One compiled step: the (optimized, shape-specialized) graph, its plan and the bytes of its
 * class. {@link #instantiate} defines the class once and allocates an instance's arrays.
 */
public final class Compilation {
    final Graph graph;
    final Planner plan;
    final ClassGen gen;
    private final byte[] bytes;
    private Class<?> stepClass;
    private java.lang.invoke.MethodHandles.Lookup lookup;
    private final boolean hidden;

    Compilation(Graph graph, Planner plan, ClassGen gen, boolean hidden) {
        this.graph = graph;
        this.plan = plan;
        this.gen = gen;
        this.bytes = gen.generate();
        this.hidden = hidden;
    }

    /** The class file. */
    public byte[] classBytes() { return bytes.clone(); }

    /** The generated class's binary name (for a hidden class, before the JVM's suffix). */
    public String className() { return gen.internalName.replace('/', '.'); }

    /** The class's simple name, for files: {@code Mnist_train_b128}. */
    public String simpleName() { return gen.internalName.substring(gen.internalName.lastIndexOf('/') + 1); }

    /** The optimized graph that was compiled. */
    public Graph graph() { return graph; }

    /** Annotated disassembly (see {@link Disassembler}). */
    public String disassemble() { return Disassembler.render(this); }

    /** How many steps (methods called by run()) and arrays the plan has. */
    public int stepCount() { return plan.schedule.size(); }

    public int arrayCount() { return plan.bufs.size(); }

    /** Elements held by intermediate arrays with reuse, and what they would take without it. */
    public long[] intermediateFootprint() { return plan.intermediateFootprint(); }

    /** Every fusion rule, in the order the planner tries them, with how many times it fired in this plan. */
    public List<RuleFiring> fusionRules() { return RuleFiring.of(plan); }

    /** The step methods in run order, each with the labels of the nodes it computes. */
    public Map<String, List<String>> stepMethods() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (var e : gen.methods.entrySet()) {
            List<String> labels = new ArrayList<>();
            for (Node n : e.getValue().nodes) labels.add(n.opName() + " " + n.label());
            m.put(e.getKey(), labels);
        }
        return m;
    }

    synchronized Class<?> stepClass() {
        if (stepClass == null) {
            if (hidden) {
                lookup = StepClasses.defineHiddenLookup(bytes);
                stepClass = lookup.lookupClass();
            } else {
                stepClass = StepClasses.defineInLoader(bytes, className());
                lookup = StepClasses.privateLookup(stepClass);
            }
        }
        return stepClass;
    }

    /** A lookup with private access on the step class (for {@link StepProfile}). */
    synchronized java.lang.invoke.MethodHandles.Lookup lookup() {
        stepClass();
        return lookup;
    }

    /**
     * A runnable instance: externals (inputs, params, slots) are bound to the given tensors' arrays
     * by node name when present, else to fresh zero arrays; everything else is allocated here, once.
     */
    public CompiledGraph instantiate(Map<String, Tensor> bind) {
        Object[] arrays = new Object[plan.bufs.size()];
        Map<String, Tensor> externals = new LinkedHashMap<>();
        for (Buf b : plan.bufs) {
            Value owner = b.owner;
            if (owner != null && owner.kind == Value.Kind.EXTERNAL) {
                Node n = owner.node;
                int[] shape = plan.info(n).shape;
                Tensor t = bind.get(n.name());
                if (t == null) t = Tensor.zeros(owner.dtype, shape);
                else checkBinding(n, t, owner.dtype, shape);
                arrays[b.index] = t.storage();
                externals.put(n.name(), t);
            } else if (owner != null && owner.kind == Value.Kind.CONSTANT) {
                arrays[b.index] = owner.constant.copy().storage();
            } else {
                arrays[b.index] = b.storage.allocate(b.capacity);
            }
        }
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        for (var e : plan.outputs.entrySet()) {
            View v = e.getValue();
            int[] shape = plan.outputShapes.get(e.getKey());
            outputs.put(e.getKey(), Tensor.wrap(v.base().dtype, shape, arrays[v.base().buf.index]));
        }
        CompiledStep step = StepClasses.instantiate(stepClass(), arrays);
        return new CompiledGraph(this, step, externals, outputs);
    }

    /**
     * The memory plan as {@link #instantiate} builds it, for running the class ahead of time with
     * the runtime alone ({@link StepLayout}): the class must then be an ordinary class of
     * {@link #className()} (compiled with {@code Options.hidden() == false}), loaded from the class path.
     */
    public StepLayout layout() {
        StepLayout.Slot[] slots = new StepLayout.Slot[plan.bufs.size()];
        for (Buf b : plan.bufs) {
            Value owner = b.owner;
            if (owner != null && owner.kind == Value.Kind.EXTERNAL) slots[b.index] = new StepLayout.External(owner.node.name(), owner.dtype, plan.info(owner.node).shape);
            else if (owner != null && owner.kind == Value.Kind.CONSTANT) slots[b.index] = new StepLayout.Constant(owner.constant.copy());
            else slots[b.index] = new StepLayout.Scratch(scratchType(b.storage), b.capacity);
        }
        List<StepLayout.Output> outs = new ArrayList<>();
        for (var e : plan.outputs.entrySet())
            outs.add(new StepLayout.Output(e.getKey(), e.getValue().base().buf.index, e.getValue().base().dtype, plan.outputShapes.get(e.getKey())));
        return new StepLayout(className(), List.of(slots), outs);
    }

    /** A dtype whose tensors are stored in arrays of this kind. */
    private static DType scratchType(Storage s) {
        return switch (s) {
            case BYTE -> DType.U8;
            case SHORT -> DType.F16;
            case INT -> DType.I32;
            case LONG -> DType.I64;
            case FLOAT -> DType.F32;
            case DOUBLE -> DType.F64;
        };
    }

    private static void checkBinding(Node n, Tensor t, DType dtype, int[] shape) {
        if (t.dtype() != dtype || !java.util.Arrays.equals(t.shape(), shape))
            throw new IllegalArgumentException(n.label() + " expects " + dtype + java.util.Arrays.toString(shape) + ", got "
                    + t.dtype() + java.util.Arrays.toString(t.shape()));
    }

    /** The source span of the node whose code a located frame ({@code method}, {@code line}) points at. */
    dlm.compiler.diag.SourceSpan spanAt(String method, int line) {
        Unit u = gen.methods.get(method);
        if (u == null) return null;
        for (Node n : u.nodes) if (!n.span().isNone() && n.span().line() == line) return n.span();
        for (Loop l : u.loops()) for (Loop.Val v : l.vals) if (v.origin != null && v.origin.span().line() == line) return v.origin.span();
        return u.firstNode() == null ? null : u.firstNode().span();
    }
}
