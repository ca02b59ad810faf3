package dlm.compiler.ops;

import dlm.compiler.ir.Attrs;
import dlm.compiler.ir.TensorType;
import dlm.runtime.Tensor;
import java.util.List;

/**
 * The leaves of a graph: {@code input} (a model argument, fed at run time; attr {@code default}
 * may hold its declared default value), {@code param} (a trainable weight; attr {@code init}
 * describes its initializer) and {@code constant} (attr {@code value}). Their types are given
 * when they are created ({@link dlm.compiler.ir.Graph#addTyped}); the interpreter supplies their
 * values from its bindings, so {@link Op#eval} is only meaningful for constants.
 */
final class SourceOps {
    private SourceOps() {}

    static void register() {
        OpRegistry.register(new Leaf("input"));
        OpRegistry.register(new Leaf("param"));
        OpRegistry.register(new Leaf("constant") {
            @Override
            public Tensor eval(List<Tensor> inputs, Attrs attrs) { return attrs.getTensor("value"); }
        });
    }

    private static class Leaf implements Op {
        private final String name;

        Leaf(String name) { this.name = name; }

        @Override
        public String name() { return name; }

        @Override
        public TensorType infer(List<TensorType> inputs, Attrs attrs) {
            throw new IllegalStateException(name + " nodes are created with their type");
        }

        @Override
        public Tensor eval(List<Tensor> inputs, Attrs attrs) {
            throw new IllegalStateException(name + " values come from the interpreter's bindings");
        }
    }
}
