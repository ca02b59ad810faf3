package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.Frontend;
import dlm.compiler.TestFiles;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.diag.DlmException;
import dlm.compiler.ir.Dim;
import dlm.compiler.ir.MemoryEstimate;
import dlm.compiler.train.TrainGraph;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sizes: dim arithmetic is exact 64-bit with overflow checks, zero-size tensors follow NumPy on
 * both backends, and tensors too large for the JVM are refused before anything is allocated.
 */
class SizeLimitsCliTest {
    @TempDir
    Path tmp;

    /** Writes {@code source} to {@code name} and runs dlmc with {@code args}, "?" standing for the file. */
    private CliRunner run(String name, String source, String... args) throws IOException {
        Path f = Files.writeString(tmp.resolve(name), source);
        String[] all = args.clone();
        for (int i = 0; i < all.length; i++) if (all[i].equals("?")) all[i] = f.toString();
        return CliRunner.run(all);
    }

    private static void locatedError(CliRunner r, String file, String lineCol, String message) {
        assertEquals(1, r.status(), r.out() + r.err());
        assertFalse(r.err().contains("internal error") || r.err().contains("Exception"), r.err());
        assertTrue(r.err().startsWith(file + ":" + lineCol + ": error: "), r.err());
        assertTrue(r.err().contains(message), r.err());
    }

    @Test
    void dimArithmeticNeverWrapsAround() throws IOException {
        CliRunner a = run("a.dlm", "model M(x: f32[3, 65536 * 65536]) { return x }\n", "check", "?");
        locatedError(a, tmp.resolve("a.dlm").toString(), "1:9", "f32[3, 4294967296] cannot exist: axis 1 has size 4294967296, more than a tensor can hold");
        CliRunner b = run("b.dlm", "println(zeros(65536 * 65536 + 3).shape)\n", "run", "?");
        locatedError(b, tmp.resolve("b.dlm").toString(), "1:9", "shape [4294967299] cannot exist");
        assertEquals("", b.out(), "never (3,)");
        CliRunner c = run("c.dlm", "println(arange(65536 * 65536 + 3).shape)\n", "run", "?");
        locatedError(c, tmp.resolve("c.dlm").toString(), "1:16", "arange(4294967299) cannot be made");
        CliRunner d = run("d.dlm", "val n = 3037000500\nprintln(n * n)\n", "run", "?");
        locatedError(d, tmp.resolve("d.dlm").toString(), "2:11", "Int overflow: 3037000500 * 3037000500 does not fit in 64 bits");
        CliRunner e = run("e.dlm", "model M(x: f32[batch, 65536, 65536]) { return x }\n", "check", "?");
        locatedError(e, tmp.resolve("e.dlm").toString(), "1:9", "it has 4294967296 × batch elements");
        CliRunner f = run("f.dlm", "println(zeros(100000, 100000).shape)\n", "run", "?");
        locatedError(f, tmp.resolve("f.dlm").toString(), "1:9", "it has 10000000000 elements, more than a tensor can hold");
        assertThrows(ArithmeticException.class, () -> Dim.of(1L << 40).times(Dim.of(1L << 40)));
        assertThrows(ArithmeticException.class, () -> Dim.of(1L << 32).size());
    }

    @Test
    void zeroSizeTensorsFollowNumpyOnBothBackends() throws IOException {
        String src = """
                model A(x: f32[3, 0] = zeros(3, 0)) {
                    param w: f32[0, 4] = zeros()
                    param b: f32[4] = ones()
                    return relu(x @ w + b)
                }
                model B(x: f32[0, 3] = zeros(0, 3)) {
                    param w: f32[3, 4] = ones()
                    return x @ w
                }
                model C(x: f32[3, 2] = ones(3, 2)) {
                    param w: f32[2, 0] = ones()
                    return x @ w
                }
                model D(x: f32[3, 0] = zeros(3, 0)) { return sum(relu(x) * 2f + 1f, axis = 1) }
                model E(x: f32[3, 4] = ones(3, 4)) { return softmax(x[1:1]) }
                """;
        CliRunner jit = run("z.dlm", src, "run", "?");
        CliRunner interp = run("z.dlm", src, "run", "?", "--backend", "interp");
        assertEquals(0, jit.status(), jit.err());
        assertEquals(0, interp.status(), interp.err());
        assertEquals(interp.out(), jit.out());
        assertTrue(jit.out().contains("A.output = array([[1., 1., 1., 1.],"), jit.out());
        assertTrue(jit.out().contains("B.output = array([], shape=(0, 4))"), jit.out());
        assertTrue(jit.out().contains("C.output = array([], shape=(3, 0))"), jit.out());
        assertTrue(jit.out().contains("D.output = array([0., 0., 0.])"), jit.out());
        assertTrue(jit.out().contains("E.output = array([], shape=(0, 4))"), jit.out());
        // and their gradients
        CliRunner g = run("g.dlm", """
                model G(x: f32[3, 0] = zeros(3, 0), y: f32[3, 2] = ones(3, 2)) {
                    param w: f32[0, 2] = zeros()
                    param v: f32[2, 2] = ones()
                    loss = sum((x @ w + y @ v) * 2f) + sum(x)
                }
                """, "grad", "?");
        assertEquals(0, g.status(), g.err());
        assertTrue(g.out().contains("grad(loss, w) = array([], shape=(0, 2))"), g.out());
    }

    @Test
    void aConstantTooLargeForTheHeapIsRefusedAtItsCall() throws IOException {
        long elements = (long) (Runtime.getRuntime().maxMemory() * 1.5 / 8);
        CliRunner r = run("big.dlm", "val a = zeros(" + elements + ", dtype = f64)\nprintln(a.shape)\n", "run", "?");
        if (elements > Dim.MAX_ELEMENTS) {
            locatedError(r, tmp.resolve("big.dlm").toString(), "1:9", "more than a tensor can hold");
        } else {
            locatedError(r, tmp.resolve("big.dlm").toString(), "1:9", "this f64[" + elements + "] tensor needs about");
            assertTrue(r.err().contains("give the JVM more memory, e.g. DLM_JAVA_OPTS=-Xmx"), r.err());
        }
    }

    @Test
    void aScriptValueTooLargeForTheHeapIsRefusedBeforeItIsComputed() throws IOException {
        long n = (long) Math.ceil(Math.sqrt(Runtime.getRuntime().maxMemory() * 1.5 / 8));
        String left = "val a = ones(" + n + ", 1, dtype = f64) ";
        CliRunner r = run("outer.dlm", left + "* ones(1, " + n + ", dtype = f64)\nprintln(sum(a))\n", "run", "?");
        String at = "1:" + (left.length() + 1); // the product
        if (n * n > Dim.MAX_ELEMENTS) {
            locatedError(r, tmp.resolve("outer.dlm").toString(), at, "more than a tensor can hold");
        } else {
            locatedError(r, tmp.resolve("outer.dlm").toString(), at, "running the top-level statements needs about");
            assertTrue(r.err().contains("\n    a  ") && r.err().contains("f64[" + n + ", " + n + "]"), r.err());
        }
        assertEquals("", r.out());
    }

    @Test
    void aModelTooLargeForTheHeapIsRefusedBeforeTrainingNamingItsBiggestTensors() throws IOException {
        // output.W and its gradient and two Adam slots: about twice the heap
        long units = Math.max(1, Runtime.getRuntime().maxMemory() / (784L * 4 * 4) * 2);
        Path f = Files.writeString(tmp.resolve("wide.dlm"), """
                import std.nn.*
                model Wide(images: u8[batch, 28, 28]) {
                    val x = images.reshape(batch, 784).toF32() / 255f
                    return dense(x, units = %d, activation = ::softmax)
                }
                train(Wide) { data = mnist(); loss = ::sparseCategoricalCrossentropy; optimizer = adam(); metrics = [::accuracy] }
                """.formatted(units));
        CliRunner r = CliRunner.run("train", f.toString(), "--data", TestFiles.dataDir().toString(), "--limit", "256");
        locatedError(r, f.toString(), "6:1", "training Wide at batch size 32 needs about");
        assertFalse(r.out().contains("Epoch"), r.out());
        assertTrue(r.err().contains("\n  biggest tensors:\n    output.W  "), r.err());
        assertTrue(r.err().contains("output.W/m"), r.err());
        assertTrue(r.err().contains("gradient of output.W"), r.err());
        assertTrue(r.err().contains("give the JVM more memory, e.g. DLM_JAVA_OPTS=-Xmx"), r.err());

        // a value that fits one tensor per example, but not at the batch size: located at the value
        Path perBatch = Files.writeString(tmp.resolve("perbatch.dlm"), """
                import std.nn.*
                model M(images: u8[batch, 28, 28]) {
                    val x = images.reshape(batch, 784).toF32() / 255f
                    val big = x.reshape(batch, 784, 1) * ones(1, 1, 100000)
                    return dense(sum(big, axis = 2), units = 10, activation = ::softmax)
                }
                train(M) { data = mnist(); loss = ::sparseCategoricalCrossentropy; optimizer = sgd() }
                """);
        CliRunner b = CliRunner.run("train", perBatch.toString(), "--data", TestFiles.dataDir().toString(), "--limit", "256", "--batch-size", "32");
        locatedError(b, perBatch.toString(), "4:40", "training M at batch size 32: big would be f32[32, 784, 100000], 2508800000 elements, more than a tensor can hold");

        // the estimate itself: params, gradients, two slots and the batch's activations
        CheckedProgram p = Frontend.load(TestFiles.example("mnist.dlm"));
        TrainGraph g = TrainGraph.build(p, p.trains().get(0));
        long params = (784L * 512 + 512 + 512 * 10 + 10) * 4;
        MemoryEstimate at1 = MemoryEstimate.training(g.graph, 1), at128 = MemoryEstimate.training(g.graph, 128);
        assertTrue(at1.total() >= 4 * params, at1.total() + " vs " + params);
        assertTrue(at128.total() > at1.total() + 127L * 512 * 4, "activations grow with the batch");
        DlmException e = assertThrows(DlmException.class, () -> at128.require(p.trains().get(0).decl().span(), "training Mnist", 1 << 20));
        assertTrue(e.render().contains("hidden.W"), e.render());
    }
}
