package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --backend jit|interp agree; dlmc compile writes the step classes; dlmc disasm maps code to .dlm lines. */
class BackendCliTest {
    @TempDir
    Path tmp;

    private static double loss(String out) {
        Matcher m = Pattern.compile("loss: (\\d+\\.\\d+)\\n").matcher(out);
        assertTrue(m.find(), out);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void compiledAndInterpretedTrainingAgree() {
        String mnist = TestFiles.example("mnist.dlm").toString(), data = TestFiles.dataDir().toString();
        CliRunner jit = CliRunner.run("train", mnist, "--data", data, "--limit", "512", "--backend", "jit");
        CliRunner interp = CliRunner.run("train", mnist, "--data", data, "--limit", "512", "--backend", "interp");
        assertEquals(0, jit.status(), jit.err());
        assertEquals(0, interp.status(), interp.err());
        assertEquals(loss(interp.out()), loss(jit.out()), 2e-4, jit.out() + interp.out());
        CliRunner bad = CliRunner.run("train", mnist, "--data", data, "--backend", "gpu");
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("--backend must be one of jit, interp, got 'gpu'"), bad.err());
    }

    @Test
    void runOnBothBackends() throws IOException {
        Path m = tmp.resolve("onehot.dlm");
        Files.writeString(m, "model M(x: f32[2] = [1.0, 2.0]) {\n    return oneHot([3], 5) * sum(x)\n}\n");
        for (String b : new String[] {"jit", "interp"})
            assertEquals("M.output = array([[0., 0., 0., 3., 0.]])\n", CliRunner.run("run", m.toString(), "--backend", b).out(), b);
        String f = TestFiles.example("figure_2_22.dlm").toString();
        assertEquals("Figure.loss = array(3.)\n", CliRunner.run("run", f, "--backend", "jit").out());
        assertEquals("Figure.loss = array(3.)\n", CliRunner.run("run", f, "--backend", "interp").out());
    }

    @Test
    void compileWritesTheStepClasses() throws IOException {
        CliRunner r = CliRunner.run("compile", TestFiles.example("mnist.dlm").toString(), "--out", tmp.toString());
        assertEquals(0, r.status(), r.err());
        for (String step : new String[] {"train", "eval", "predict"}) {
            Path cls = tmp.resolve("Mnist_" + step + "_b128.class");
            assertTrue(Files.exists(cls), r.out());
            byte[] b = Files.readAllBytes(cls);
            assertEquals(0xCAFEBABE, ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF));
            assertEquals(69, b[7], "class file version of Java 25");
        }
    }

    @Test
    void profileTimesEachStepMethodOnRealBatches() {
        String mnist = TestFiles.example("mnist.dlm").toString(), data = TestFiles.dataDir().toString();
        CliRunner r = CliRunner.run("profile", mnist, "--data", data, "--steps", "3", "--warmup", "2");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("train step, batch 128: 3 timed runs after 2 warm-up runs"), r.out());
        // the first product carries the dense layer's bias and relu, and reports its GFLOP/s
        assertTrue(Pattern.compile("%  +\\d+\\.\\d +matmul +relu hidden @7 \\+2 fused \\(s0_matmul_7\\)").matcher(r.out()).find(), r.out());
        assertTrue(Pattern.compile("total over \\d+ step methods, mean of 3 runs").matcher(r.out()).find(), r.out());
        CliRunner predict = CliRunner.run("profile", mnist, "--data", data, "--steps", "2", "--warmup", "0", "--step", "predict", "--top", "2");
        assertEquals(0, predict.status(), predict.err());
        assertTrue(predict.out().contains("more step methods"), predict.out());
        CliRunner interp = CliRunner.run("profile", mnist, "--data", data, "--backend", "interp");
        assertEquals(2, interp.status());
        assertTrue(interp.err().contains("Unrecognized option: --backend"), interp.err());
        CliRunner zero = CliRunner.run("profile", mnist, "--data", data, "--steps", "0");
        assertEquals(2, zero.status());
        assertTrue(zero.err().contains("--steps must be a whole number from 1 to 2147483647, got '0'"), zero.err());
    }

    @Test
    void profileGivesTheConvolutionsGflops() {
        String convnet = TestFiles.example("mnist_convnet.dlm").toString(), data = TestFiles.dataDir().toString();
        CliRunner r = CliRunner.run("profile", convnet, "--data", data, "--steps", "2", "--warmup", "1", "--batch-size", "8", "--top", "60");
        assertEquals(0, r.status(), r.err());
        // the second convolution carries its layer's bias and relu (conv2 names the fused node); the
        // first, with its bias, relu and pooling, is one conv2dMaxPool kernel, and both its gradients one more
        assertTrue(Pattern.compile("%  +\\d+\\.\\d +conv2d +conv2d conv2 @9 \\(s\\d+_conv2d_conv2\\)").matcher(r.out()).find(), r.out());
        assertTrue(Pattern.compile("%  +\\d+\\.\\d +conv2dMaxPool +conv2dMaxPool %\\d+ @8 ").matcher(r.out()).find(), r.out());
        assertTrue(Pattern.compile("%  +\\d+\\.\\d +conv2dMaxPoolBackpropFilter +conv2dMaxPoolBackpropFilter %\\d+ @7 ").matcher(r.out()).find(), r.out());
        assertTrue(Pattern.compile("%  +\\d+\\.\\d +conv2dBackpropFilter ").matcher(r.out()).find(), r.out());
        assertTrue(Pattern.compile("%  +\\d+\\.\\d +conv2dBackpropInput ").matcher(r.out()).find(), r.out());
        // relu's masks: conv2's in its pooling gradient, conv3's in the dense layer's product; no loop of their own
        assertTrue(Pattern.compile("maxPool2dBackprop +maxPool2dBackprop %\\d+ @10 ").matcher(r.out()).find(), r.out());
        assertFalse(Pattern.compile(" where +where %\\d+ @(7|9|11) ").matcher(r.out()).find(), r.out());
        assertTrue(Pattern.compile(" matmul +where %\\d+ @11 ").matcher(r.out()).find(), r.out());
    }

    @Test
    void disasmShowsBytecodeWithTheDlmLines() {
        CliRunner r = CliRunner.run("disasm", TestFiles.example("mnist.dlm").toString(), "--step", "predict");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("// source file: mnist.dlm"), r.out());
        assertTrue(r.out().contains("mnist.dlm:7"), r.out());
        assertTrue(r.out().contains("LINENUMBER"), r.out());
        assertTrue(r.out().contains("INVOKESTATIC dlm/runtime/exec/Blas.sgemm"), r.out());
    }
}
