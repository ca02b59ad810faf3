package dlm.compiler.ops;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The table of primitive ops, keyed by name. Each op family registers its entries in one
 * place ({@link #register}); nothing else in the compiler switches on op names.
 */
public final class OpRegistry {
    private static final Map<String, Op> OPS = new TreeMap<>();

    static {
        SourceOps.register();
        ElementwiseOps.register();
        ReductionOps.register();
        MatmulOps.register();
        MovementOps.register();
        NnOps.register();
        ArrayOps.register();
        ConvOps.register();
    }

    private OpRegistry() {}

    public static synchronized void register(Op op) {
        if (OPS.putIfAbsent(op.name(), op) != null) throw new IllegalStateException("op registered twice: " + op.name());
    }

    public static Op get(String name) {
        Op op = OPS.get(name);
        if (op == null) throw new IllegalArgumentException("no op named '" + name + "'");
        return op;
    }

    public static boolean has(String name) { return OPS.containsKey(name); }

    public static Collection<Op> all() { return Collections.unmodifiableCollection(OPS.values()); }
}
