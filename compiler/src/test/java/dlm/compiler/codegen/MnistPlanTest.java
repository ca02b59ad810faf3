package dlm.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.Frontend;
import dlm.compiler.TestFiles;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.ir.Node;
import dlm.compiler.train.TrainGraph;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.CodeAttribute;
import java.lang.classfile.attribute.LineNumberInfo;
import java.lang.classfile.attribute.LineNumberTableAttribute;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shape of the compiled MNIST train step: what is fused, what is a kernel, which products
 * read transposed operands in place, how the optimizer updates params and slots in place, and
 * that the class is valid, small-methoded and points at mnist.dlm.
 */
class MnistPlanTest {

    static TrainGraph train(String example) throws Exception {
        CheckedProgram p = Frontend.load(TestFiles.example(example));
        return TrainGraph.build(p, p.trains().get(0));
    }

    static List<String> ops(Unit u) { return u.nodes.stream().map(Node::opName).toList(); }

    @Test
    void theTrainStepIsFusedLoopsAroundFiveProducts() throws Exception {
        TrainGraph tg = train("mnist.dlm");
        Compilation c = Codegen.compile(tg, Codegen.StepKind.TRAIN, 128);
        Planner p = c.plan;
        CodegenTestSupport.assertPlanSound(c);
        List<Unit> gemms = p.schedule.stream().filter(u -> u instanceof Unit.Gemm).toList();
        assertEquals(5, gemms.size(), "x@W1, h@W2, dh = g@W2ᵀ, dW2 = hᵀ@g, dW1 = xᵀ@g");
        // nothing is copied: no transposes materialized, outputs and updates written where they belong
        assertEquals(List.of(), p.schedule.stream().filter(u -> u instanceof Unit.Move).map(u -> u.method).toList());
        // products read transposed operands in place (transpose flags), as the backward pass needs
        Set<String> layouts = new TreeSet<>();
        for (Unit u : gemms) {
            Unit.Gemm g = (Unit.Gemm) u;
            int[] a = GemmLowering.blasLayout(g.m, g.k, g.ars, g.acs), b = GemmLowering.blasLayout(g.k, g.n, g.brs, g.bcs);
            layouts.add((a[0] == 1 ? "T" : "N") + (b[0] == 1 ? "T" : "N") + " " + g.m + "x" + g.n + "x" + g.k);
        }
        assertEquals(new TreeSet<>(List.of("NN 128x512x784", "NN 128x10x512", "NT 128x512x10", "TN 512x10x128", "TN 784x512x128")), layouts);
        // the u8 -> f32 scaling of the input has no loop: both products that read x (x@W1 and
        // xᵀ@dz) convert the bytes through a table while packing them
        assertTrue(p.schedule.stream().noneMatch(u -> u.nodes.stream().anyMatch(n -> n.label().equals("x"))), "no loop scales the input");
        List<Unit.Gemm> fromBytes = gemms.stream().map(u -> (Unit.Gemm) u).filter(g -> g.aTable != null).toList();
        assertEquals(2, fromBytes.size());
        for (Unit.Gemm g : fromBytes) {
            assertEquals("images", g.a.node.name());
            assertEquals(List.of("cast", "div"), g.tabulated.stream().map(Node::opName).toList());
            float[] table = g.aTable.constant.f32Storage();
            for (int code = 0; code < 256; code++) assertEquals((float) code / 255f, table[code], "table[" + code + "]");
        }
        // each dense layer's bias (and the hidden layer's relu) is the epilogue of its product
        Unit.Gemm hidden = (Unit.Gemm) gemms.stream().filter(u -> ops(u).equals(List.of("matmul", "add", "relu"))).findFirst().orElseThrow();
        assertTrue(hidden.biasAdded && hidden.relu && hidden.bias.node.name().equals("hidden.b"), "bias+relu fused into x@W1");
        Unit.Gemm output = (Unit.Gemm) gemms.stream().filter(u -> ops(u).equals(List.of("matmul", "add"))).findFirst().orElseThrow();
        assertTrue(output.biasAdded && !output.relu && output.bias.node.name().equals("output.b"), "bias fused into h@W2");
        // the relu gradient (upstream gradient masked by the relu's output) is applied to dh = g@W2ᵀ
        // right after that product, with vector blends; the bias gradient sums it in a vectorized kernel
        // call of its own (LeadingSum: a sum over the batch axis)
        Unit.Gemm dh = (Unit.Gemm) gemms.stream().filter(u -> ops(u).equals(List.of("matmul", "greater", "where"))).findFirst().orElseThrow();
        assertEquals(hidden.c, dh.mask, "masked by the relu's output, which the first product stored");
        assertTrue(p.schedule.stream().anyMatch(u -> u instanceof Unit.Kernel && ops(u).equals(List.of("sum")) && u.order > dh.order), "the bias gradient's sum");
        assertEquals(2, gemms.stream().filter(u -> ops(u).equals(List.of("matmul"))).count(), "dW1 and dW2 have no epilogue");
        // each param's whole Adam update is ONE loop writing w, m and v in place, after every reader of the old w
        for (Node param : tg.params) {
            List<Unit> writers = p.schedule.stream().filter(u -> u.inPlace.stream().anyMatch(v -> v.node.name().equals(param.name()))).toList();
            assertEquals(1, writers.size(), param.name());
            Unit.Group g = (Unit.Group) writers.get(0);
            Set<String> written = g.loop.stores.stream().map(s -> s.target().value.node.name()).collect(Collectors.toCollection(TreeSet::new));
            assertEquals(new TreeSet<>(List.of(param.name(), param.name() + "/m", param.name() + "/v")), written);
            assertEquals(1, g.loop.dims.length, "one flat loop over " + param.name());
            for (Unit r : p.schedule) if (r != g && r.reads.contains(p.externals.get(findNode(c, param.name())))) assertTrue(r.order < g.order, r.method + " reads " + param.name() + " after its update");
        }
        // intermediates share arrays
        long[] fp = c.intermediateFootprint();
        assertTrue(fp[0] < fp[1], fp[0] + " vs " + fp[1]);
    }

    private static Node findNode(Compilation c, String name) {
        return c.graph().nodes().stream().filter(n -> name.equals(n.name()) && (n.is("param") || n.is("input"))).findFirst().orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"mnist.dlm", "mnist_from_scratch.dlm", "fashion_mnist.dlm"})
    void everyStepClassVerifiesHasSmallMethodsAndPointsAtTheSource(String example) throws Exception {
        TrainGraph tg = train(example);
        for (Codegen.StepKind kind : Codegen.StepKind.values()) {
            for (int batch : new int[] {128, 96}) {
                Compilation c = Codegen.compile(tg, kind, batch);
                byte[] bytes = c.classBytes();
                CodegenTestSupport.verify(bytes);
                CodegenTestSupport.assertPlanSound(c);
                ClassModel cm = ClassFile.of().parse(bytes);
                assertEquals(69, cm.majorVersion(), "Java 25 class file");
                assertEquals(example, cm.findAttribute(Attributes.sourceFile()).orElseThrow().sourceFile().stringValue());
                Set<Integer> lines = new TreeSet<>();
                for (MethodModel m : cm.methods()) {
                    CodeAttribute code = m.findAttribute(Attributes.code()).orElseThrow();
                    assertTrue(code.codeLength() < 8000, m.methodName() + " has " + code.codeLength() + " bytes of code");
                    for (LineNumberTableAttribute t : code.findAttributes(Attributes.lineNumberTable()))
                        for (LineNumberInfo li : t.lineNumbers()) lines.add(li.lineNumber());
                }
                Set<Integer> nodeLines = new TreeSet<>();
                // (nodes a product tabulated, e.g. the input scaling, are computed at compile time: no code)
                Set<Node> tabulated = new java.util.HashSet<>();
                for (Unit u : c.plan.schedule) if (u instanceof Unit.Gemm g) tabulated.addAll(g.tabulated);
                for (Node t : List.copyOf(tabulated)) for (Node i : t.inputs()) if (i.is("reshape")) tabulated.add(i); // a view of the bytes
                for (Node n : c.graph().nodes())
                    if (!n.is("input") && !n.is("param") && !n.is("constant") && !tabulated.contains(n)) nodeLines.add(n.span().line());
                assertTrue(lines.containsAll(nodeLines), "line numbers " + lines + " cover the nodes' lines " + nodeLines);
                if (kind != Codegen.StepKind.TRAIN) assertTrue(c.plan.schedule.stream().allMatch(u -> u.inPlace.isEmpty()));
            }
        }
    }

    @Test
    void disassemblyAndClassFilesForTheCommandLine() throws Exception {
        TrainGraph tg = train("mnist.dlm");
        String d = Codegen.disassemble(tg, Codegen.StepKind.TRAIN, 128);
        assertTrue(d.contains("// source file: mnist.dlm"), d.substring(0, 300));
        assertTrue(d.contains("hidden = relu(%8) : f32[batch, 512]   mnist.dlm:7"), "nodes with their lines");
        assertTrue(d.contains("LINENUMBER 7"), "line numbers in the code");
        assertTrue(d.contains("INVOKESTATIC dlm/runtime/exec/Blas.sgemm"), "products call the GEMM indirection");
        assertTrue(d.contains("external hidden.W f32[401408]"), "the memory plan");
        String predict = Codegen.disassemble(tg, Codegen.StepKind.PREDICT, 10);
        assertFalse(predict.contains("logSoftmax"), "predict runs the forward pass alone");
        var files = Codegen.classFiles(tg, 128);
        assertEquals(List.of("Mnist_train_b128.class", "Mnist_eval_b128.class", "Mnist_predict_b128.class"), new ArrayList<>(files.keySet()));
        for (byte[] b : files.values()) assertNotNull(ClassFile.of().parse(b).thisClass());
    }
}
