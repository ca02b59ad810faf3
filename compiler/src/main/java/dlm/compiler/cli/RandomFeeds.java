package dlm.compiler.cli;

import dlm.compiler.ir.Dim;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.Shape;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.random.Rng;
import java.util.HashMap;
import java.util.Map;

/**
 * Random values for a graph's inputs that have no default: symbolic dims take a small batch
 * size; floats are uniform in [-1, 1), u8 images uniform in [0, 255], other integers (labels)
 * uniform in [0, classes) where classes is the last dim of {@code classesFrom} (the model output).
 */
final class RandomFeeds {
    private RandomFeeds() {}

    static Map<Node, Tensor> of(Graph g, int batch, long seed, Node classesFrom) {
        Rng rng = new Rng(seed).split("feeds");
        int classes = 2;
        if (classesFrom != null && classesFrom.type().rank() > 0) {
            Dim last = classesFrom.type().shape().dim(classesFrom.type().rank() - 1);
            if (last.isKnown()) classes = last.size();
        }
        Map<Node, Tensor> feeds = new HashMap<>();
        for (Node in : g.inputs()) {
            if (in.attrs().has("default")) continue;
            Shape s = in.type().shape();
            Map<String, Dim> bind = new HashMap<>();
            for (Dim d : s.dims()) for (String sym : d.symbols()) bind.put(sym, Dim.of(batch));
            int[] sizes = s.substitute(bind).sizes();
            DType dt = in.type().dtype();
            Tensor t = Tensor.zeros(dt, sizes);
            for (int i = 0; i < t.size(); i++) {
                if (dt.isFloating()) t.setDouble(i, 2 * rng.nextDouble() - 1);
                else if (dt == DType.U8 && in.type().rank() > 1) t.setLong(i, rng.nextInt(256));
                else if (dt == DType.BOOL) t.setLong(i, rng.nextInt(2));
                else t.setLong(i, rng.nextInt(classes));
            }
            feeds.put(in, t);
        }
        return feeds;
    }
}
