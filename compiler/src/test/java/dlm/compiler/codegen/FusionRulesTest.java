package dlm.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dlm.compiler.interp.ParamStore;
import dlm.compiler.train.TrainGraph;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Each fusion rule's count: what the rules do to the MNIST steps, and nothing where they do not apply. */
class FusionRulesTest {
    private static List<String> counts(List<RuleFiring> rs) { return rs.stream().map(r -> r.rule() + " " + r.fired()).toList(); }

    @Test
    void theMnistStepsFuseTheirBiasesReluMaskAndInputTable() throws Exception {
        TrainGraph tg = MnistPlanTest.train("mnist.dlm");
        // train: two bias adds and one relu in epilogues; dh masked by the relu; x@W1 and xᵀ@dz read bytes
        assertEquals(List.of("conv-epilogue 0", "maxpool-relu-mask 0", "conv-maxpool 0", "gemm-bias-relu 3", "gemm-relu-mask 1", "gemm-u8-table 2"),
                counts(Codegen.compile(tg, Codegen.StepKind.TRAIN, 128).fusionRules()));
        // eval: the forward pass only, with one product reading bytes
        assertEquals(List.of("conv-epilogue 0", "maxpool-relu-mask 0", "conv-maxpool 0", "gemm-bias-relu 3", "gemm-relu-mask 0", "gemm-u8-table 1"),
                counts(Codegen.compile(tg, Codegen.StepKind.EVAL, 128).fusionRules()));
        // planning alone counts the same as a compilation
        assertEquals(counts(Codegen.compile(tg, Codegen.StepKind.TRAIN, 32).fusionRules()),
                counts(Codegen.fusionRules(tg, Codegen.StepKind.TRAIN, 32)));
    }

    @Test
    void noRuleFiresOnAProductReadTwiceOrInF64() {
        for (DType d : List.of(DType.F32, DType.F64)) {
            var g = new CodegenTestSupport.G();
            var x = g.input("x", d, 3, 4);
            var w = g.input("w", d, 4, 5);
            var b = g.input("b", d, 5);
            var y = g.op("matmul", x, w);
            g.out("y", y); // read by the output too: an f32 epilogue would change a value someone else reads
            g.out("z", g.op("relu", g.op("add", y, b)));
            Random r = new Random(3);
            Compilation c = CodegenTestSupport.check(g.g, Map.of("x", CodegenTestSupport.random(d, new int[] {3, 4}, r),
                    "w", CodegenTestSupport.random(d, new int[] {4, 5}, r), "b", CodegenTestSupport.random(d, new int[] {5}, r)), new ParamStore(), 1e-5);
            assertEquals(List.of("conv-epilogue 0", "maxpool-relu-mask 0", "conv-maxpool 0", "gemm-bias-relu 0", "gemm-relu-mask 0", "gemm-u8-table 0"), counts(c.fusionRules()), d.toString());
        }
    }

    @Test
    void theConvnetsStepFusesItsConvolutionEpiloguesAndPoolingMasks() throws Exception {
        TrainGraph tg = MnistPlanTest.train("mnist_convnet.dlm");
        // conv2's and conv3's bias and relu; conv2's relu mask in its pooling gradient; conv3's relu
        // mask on the flattened gradient the dense layer's product gives back; conv1 (one input
        // channel: 9 taps) with its bias, relu, pooling, mask and both gradients in the fused
        // conv-maxpool kernels; the dense layer's bias (softmax follows, no relu)
        assertEquals(List.of("conv-epilogue 2", "maxpool-relu-mask 1", "conv-maxpool 1", "gemm-bias-relu 1", "gemm-relu-mask 1", "gemm-u8-table 0"),
                counts(Codegen.fusionRules(tg, Codegen.StepKind.TRAIN, 16)));
        assertEquals(List.of("conv-epilogue 2", "maxpool-relu-mask 0", "conv-maxpool 1", "gemm-bias-relu 1", "gemm-relu-mask 0", "gemm-u8-table 0"),
                counts(Codegen.fusionRules(tg, Codegen.StepKind.PREDICT, 16)));
    }

    @Test
    void aReshapedProductTakesTheReluMaskToo() {
        // where(y > 0, reshape(a @ w), 0): the flattened gradient of a convolution's relu output
        var g = new CodegenTestSupport.G();
        var a = g.input("a", DType.F32, 4, 5);
        var w = g.input("w", DType.F32, 5, 6);
        var y = g.input("y", DType.F32, 4, 2, 3);
        var zero = g.constant(Tensor.zeros(DType.F32));
        var flat = g.op("reshape", dlm.compiler.ir.Attrs.of("shape", dlm.compiler.ir.Shape.of(4, 2, 3)), g.op("matmul", a, w));
        g.out("z", g.op("where", g.op("greater", y, zero), flat, zero));
        Random r = new Random(5);
        Compilation c = CodegenTestSupport.check(g.g, Map.of("a", CodegenTestSupport.random(DType.F32, new int[] {4, 5}, r),
                "w", CodegenTestSupport.random(DType.F32, new int[] {5, 6}, r), "y", CodegenTestSupport.random(DType.F32, new int[] {4, 2, 3}, r)),
                new ParamStore(), 1e-5);
        assertEquals(List.of("conv-epilogue 0", "maxpool-relu-mask 0", "conv-maxpool 0", "gemm-bias-relu 0", "gemm-relu-mask 1", "gemm-u8-table 0"), counts(c.fusionRules()));
    }

    @Test
    void anF32DenseLayerFusesItsBiasAndRelu() {
        var g = new CodegenTestSupport.G();
        var x = g.input("x", DType.F32, 3, 4);
        var w = g.input("w", DType.F32, 4, 5);
        var b = g.input("b", DType.F32, 5);
        g.out("z", g.op("relu", g.op("add", g.op("matmul", x, w), b)));
        Random r = new Random(4);
        Compilation c = CodegenTestSupport.check(g.g, Map.of("x", CodegenTestSupport.random(DType.F32, new int[] {3, 4}, r),
                "w", CodegenTestSupport.random(DType.F32, new int[] {4, 5}, r), "b", Tensor.of(DType.F32, new int[] {5}, 1, -1, 0, 2, -2)), new ParamStore(), 1e-5);
        assertEquals(List.of("conv-epilogue 0", "maxpool-relu-mask 0", "conv-maxpool 0", "gemm-bias-relu 2", "gemm-relu-mask 0", "gemm-u8-table 0"), counts(c.fusionRules()));
    }
}
