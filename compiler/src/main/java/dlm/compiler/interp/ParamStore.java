package dlm.compiler.interp;

import dlm.compiler.check.Value.InitV;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.runtime.Tensor;
import dlm.runtime.init.Initializers;
import dlm.runtime.random.Rng;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The values of a graph's params, by name. Initial values depend only on the seed and each
 * param's name (each param draws from its own stream, {@code rng.split(name)}), so adding a
 * layer does not change the others' initial weights.
 */
public final class ParamStore {
    private final Map<String, Tensor> values = new LinkedHashMap<>();

    public static ParamStore initialize(Graph g, long seed) {
        ParamStore s = new ParamStore();
        Rng root = new Rng(seed);
        for (Node p : g.params()) {
            InitV init = (InitV) p.attrs().get("init");
            Tensor t = Initializers.create(init.name(), init.args(), p.type().dtype(), p.type().shape().sizes(), root.split(p.name()));
            s.values.put(p.name(), t);
        }
        return s;
    }

    public Tensor get(String name) {
        Tensor t = values.get(name);
        if (t == null) throw new IllegalArgumentException("no param named " + name);
        return t;
    }

    public void set(String name, Tensor t) { values.put(name, t); }

    public Map<String, Tensor> all() { return values; }
}
