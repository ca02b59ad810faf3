package dlm.compiler.autodiff;

import static dlm.compiler.autodiff.GradCheck.AT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedModel;
import dlm.compiler.interp.Interpreter;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chapter's MNIST model (Dense 512 relu → Dense 10 softmax, sparse categorical crossentropy,
 * written with std.nn) on a batch of 4 random images: its f32 symbolic gradients against finite
 * differences on a sample of the entries of every weight.
 */
class MnistGradientsTest {
    static final String SRC = """
            import std.nn.*

            model Mnist(images: u8[batch, 28, 28], labels: u8[batch]) {
                val x = images.reshape(batch, 28 * 28).toF32() / 255f
                val hidden = dense(x, units = 512, activation = ::relu)
                loss = sparseCategoricalCrossentropy(labels, dense(hidden, units = 10, activation = ::softmax))
            }
            """;

    static Graph g;
    static Node loss;
    static List<Node> params;
    static List<Node> grads;
    static Map<Node, Tensor> feeds;
    static ParamStore store;
    static Map<Node, Tensor> symbolic;

    @BeforeAll
    static void setUp() {
        CheckedModel m = Frontend.compile("mnist.dlm", SRC).models().get("Mnist");
        g = m.graph();
        loss = g.output("loss");
        params = g.params();
        grads = Autodiff.grad(g, loss, params, AT);
        Random r = new Random(2024);
        Tensor images = Tensor.zeros(DType.U8, 4, 28, 28);
        // Like MNIST: mostly black, with bright strokes.
        for (int i = 0; i < images.size(); i++) if (r.nextDouble() < 0.3) images.setDouble(i, r.nextInt(256));
        Tensor labels = Tensor.of(DType.U8, new int[] {4}, 3, 7, 0, 9);
        feeds = Map.of(g.inputs().get(0), images, g.inputs().get(1), labels);
        store = ParamStore.initialize(g, 7);
        // Glorot-uniform kernels and zero biases, as Keras starts; random biases make every entry count.
        for (Node p : params)
            if (p.name().endsWith(".b")) store.set(p.name(), GradCheck.random(DType.F32, p.type().shape().sizes(), GradCheck.uniform(-0.1, 0.1), r));
        symbolic = new Interpreter(g, store).run(feeds, grads);
    }

    @Test
    void gradientsHaveTheParamsTypes() {
        assertEquals(List.of("hidden.W", "hidden.b", "dense.W", "dense.b"), params.stream().map(Node::name).toList());
        for (int i = 0; i < params.size(); i++) assertEquals(params.get(i).type(), grads.get(i).type(), params.get(i).name());
    }

    /** Sample indices of a param: the entries with the largest gradients and random ones. */
    private static int[] sample(Tensor grad, Random r, int largest, int random) {
        List<Integer> idx = new ArrayList<>();
        double[] v = grad.toDoubles();
        Integer[] order = new Integer[v.length];
        for (int i = 0; i < v.length; i++) order[i] = i;
        java.util.Arrays.sort(order, (a, b) -> Double.compare(Math.abs(v[b]), Math.abs(v[a])));
        for (int i = 0; i < Math.min(largest, v.length); i++) idx.add(order[i]);
        for (int i = 0; i < random; i++) idx.add(r.nextInt(v.length));
        return idx.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Against f64 finite differences of the same model (the f32 graph promoted to f64). */
    @Test
    void matchesFiniteDifferencesInF64() {
        FiniteDifferences fd = FiniteDifferences.inF64(g, loss, feeds, store);
        assertEquals(new Interpreter(g, store).run(feeds, List.of(loss)).get(loss).getDouble(0), fd.value(), 1e-5);
        Random r = new Random(1);
        for (int i = 0; i < params.size(); i++) {
            Tensor s = symbolic.get(grads.get(i));
            int[] at = sample(s, r, 5, 5);
            double[] numeric = fd.gradientAt(params.get(i), at, 1e-6);
            double[] sym = new double[at.length];
            double scale = 0;
            for (int k = 0; k < at.length; k++) {
                sym[k] = s.getDouble(at[k]);
                scale = Math.max(scale, Math.abs(numeric[k]));
            }
            assertTrue(scale > 1e-4, params.get(i).name() + ": gradients too small to check: " + scale);
            for (int k = 0; k < at.length; k++)
                assertEquals(numeric[k], sym[k], 1e-5 * scale + 1e-4 * Math.abs(numeric[k]), params.get(i).name() + "[" + at[k] + "]");
            double err = FiniteDifferences.relativeError(Tensor.of(DType.F64, new int[] {at.length}, sym), Tensor.of(DType.F64, new int[] {at.length}, numeric));
            assertTrue(err < 1e-6, params.get(i).name() + ": relative error " + err);
        }
    }

    /** Against f32 finite differences (the graph as it is): a larger step and a looser tolerance. */
    @Test
    void matchesFiniteDifferencesInF32() {
        FiniteDifferences fd = FiniteDifferences.of(g, loss, feeds, store);
        assertEquals(DType.F32, fd.dtype());
        Random r = new Random(2);
        for (int i = 0; i < params.size(); i++) {
            Tensor s = symbolic.get(grads.get(i));
            int[] at = sample(s, r, 4, 0);
            double[] numeric = fd.gradientAt(params.get(i), at, 1e-2);
            double[] sym = new double[at.length];
            for (int k = 0; k < at.length; k++) sym[k] = s.getDouble(at[k]);
            double err = FiniteDifferences.relativeError(Tensor.of(DType.F64, new int[] {at.length}, sym), Tensor.of(DType.F64, new int[] {at.length}, numeric));
            assertTrue(err < 5e-3, params.get(i).name() + ": relative error " + err);
        }
    }
}
