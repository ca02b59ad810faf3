package dlm.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import dlm.compiler.Frontend;
import dlm.compiler.TestFiles;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.diag.DlmException;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.train.CompiledTrainer;
import dlm.compiler.train.InterpretedTrainer;
import dlm.compiler.train.TrainGraph;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The compiled trainer's contract beyond numerics: no allocation per step, shared param arrays, restore, errors. */
class CompiledTrainerTest {

    static TrainGraph mnist() throws Exception {
        CheckedProgram p = Frontend.load(TestFiles.example("mnist.dlm"));
        return TrainGraph.build(p, p.trains().get(0));
    }

    static Tensor[] batch(Random r, int n) {
        Tensor images = Tensor.zeros(DType.U8, n, 28, 28), labels = Tensor.zeros(DType.U8, n);
        byte[] im = images.byteStorage(), lb = labels.byteStorage();
        for (int i = 0; i < im.length; i++) im[i] = (byte) r.nextInt(256);
        for (int i = 0; i < lb.length; i++) lb[i] = (byte) r.nextInt(10);
        return new Tensor[] {images, labels};
    }

    @Test
    void parallelLoopsGiveTheSameBitsAsOneThread() throws Exception {
        TrainGraph tg = mnist();
        // batch 128: hidden.W's Adam update is a parallel loop (bias+relu is the first product's
        // epilogue, the input scaling a table the products read through)
        String d = Codegen.disassemble(tg, Codegen.StepKind.TRAIN, 128);
        assertTrue(d.contains("$p0(II)V"), "the big element-wise loop is split");
        float[][] results = new float[2][];
        int before = dlm.runtime.kernels.KernelPool.parallelism();
        try {
            for (int k = 0; k < 2; k++) {
                dlm.runtime.kernels.KernelPool.setParallelism(k == 0 ? 1 : dlm.runtime.kernels.KernelPool.size());
                CompiledTrainer t = new CompiledTrainer(tg, ParamStore.initialize(tg.graph, 3));
                Random r = new Random(9);
                for (int s = 0; s < 3; s++) {
                    Tensor[] b = batch(r, 128);
                    t.trainStep(b[0], b[1]);
                }
                results[k] = t.params().get("hidden.W").f32Storage().clone();
            }
        } finally {
            dlm.runtime.kernels.KernelPool.setParallelism(before);
        }
        assertTrue(java.util.Arrays.equals(results[0], results[1]), "hidden.W differs between 1 and " + dlm.runtime.kernels.KernelPool.size() + " threads");
    }

    @Test
    void aTrainStepAllocatesNothingInSteadyState() throws Exception {
        TrainGraph tg = mnist();
        CompiledTrainer t = new CompiledTrainer(tg, ParamStore.initialize(tg.graph, 1));
        Random r = new Random(5);
        Tensor[][] batches = {batch(r, 32), batch(r, 32), batch(r, 32)};
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        // Compile, then warm up until the JIT has compiled the GEMM kernel (until then the Vector
        // API boxes its vectors): at most 40 rounds of 50 steps, stopping at the first clean round.
        for (int round = 0; round < 40; round++) {
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int s = 0; s < 50; s++) t.trainStep(batches[s % 3][0], batches[s % 3][1]);
            if (mx.getCurrentThreadAllocatedBytes() - before < 4096) break;
        }
        long[] allocated = new long[2];
        int[] steps = {50, 100};
        for (int k = 0; k < 2; k++) {
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int s = 0; s < steps[k]; s++) t.trainStep(batches[s % 3][0], batches[s % 3][1]);
            allocated[k] = mx.getCurrentThreadAllocatedBytes() - before;
        }
        System.out.println("allocated by 50 / 100 compiled train steps: " + allocated[0] + " / " + allocated[1] + " bytes");
        // nothing, or a small constant that does not grow with the number of steps
        assertTrue(allocated[0] < 4096 && allocated[1] < 4096, "allocated " + allocated[0] + " bytes in 50 steps, " + allocated[1] + " in 100");
    }

    @Test
    void paramsAreTheStoresOwnArraysUpdatedInPlace() throws Exception {
        TrainGraph tg = mnist();
        ParamStore ps = ParamStore.initialize(tg.graph, 2);
        Tensor w = ps.get("hidden.W");
        float before = w.f32Storage()[0];
        CompiledTrainer t = new CompiledTrainer(tg, ps);
        Tensor[] b = batch(new Random(1), 8);
        t.trainStep(b[0], b[1]);
        assertSame(w, t.params().get("hidden.W"), "the store keeps its tensor");
        assertTrue(w.f32Storage()[0] != before, "updated in place");
        assertEquals(1, t.step());
        // the slots are tensors of the param's type, updated in place as well
        List<Tensor> slots = t.slots().get("hidden.W");
        assertEquals(2, slots.size());
        assertTrue(slots.get(0).f32Storage()[0] != 0 || slots.get(1).f32Storage()[0] != 0);
    }

    @Test
    void restoreCopiesCheckpointedStateIntoTheCompiledArrays() throws Exception {
        TrainGraph tg = mnist();
        Random r = new Random(3);
        Tensor[] b1 = batch(r, 8), b2 = batch(r, 8);
        // reference: two steps in a row
        InterpretedTrainer ref = new InterpretedTrainer(tg, ParamStore.initialize(tg.graph, 4));
        ref.trainStep(b1[0], b1[1]);
        double[] want = ref.trainStep(b2[0], b2[1]).clone();
        // one step, "checkpoint", a fresh compiled trainer restored from it, then the second step
        InterpretedTrainer first = new InterpretedTrainer(tg, ParamStore.initialize(tg.graph, 4));
        first.trainStep(b1[0], b1[1]);
        CompiledTrainer t = new CompiledTrainer(tg, ParamStore.initialize(tg.graph, 99));
        Tensor bound = t.params().get("output.W");
        for (var e : first.params().all().entrySet()) t.params().set(e.getKey(), e.getValue().copy());
        t.restore(first.step(), first.slots());
        assertSame(bound, t.params().get("output.W"), "restore keeps the compiled arrays");
        double[] got = t.trainStep(b2[0], b2[1]);
        assertEquals(want[0], got[0], 1e-5);
        assertEquals(2, t.step());
        ExampleTrainingTest.assertClose(ref.params().get("output.W"), t.params().get("output.W"), "output.W");
        // params replaced between steps are picked up too
        t.params().set("output.b", Tensor.zeros(DType.F32, 10));
        t.trainStep(b2[0], b2[1]);
        assertNotSame(t.params().get("output.b").f32Storage(), null);
    }

    @Test
    void wrongInputsAreLocatedErrors() throws Exception {
        TrainGraph tg = mnist();
        CompiledTrainer t = new CompiledTrainer(tg, ParamStore.initialize(tg.graph, 1));
        DlmException e = assertThrows(DlmException.class, () -> t.trainStep(Tensor.zeros(DType.F32, 4, 28, 28), Tensor.zeros(DType.U8, 4)));
        assertTrue(e.getMessage().contains("images"), e.getMessage());
        e = assertThrows(DlmException.class, () -> t.trainStep(Tensor.zeros(DType.U8, 4, 28, 28), Tensor.zeros(DType.U8, 5)));
        assertTrue(e.getMessage().contains("labels"), e.getMessage());
        Tensor labels = Tensor.zeros(DType.U8, 4);
        labels.setLong(2, 12);
        e = assertThrows(DlmException.class, () -> t.evalStep(Tensor.zeros(DType.U8, 4, 28, 28), labels));
        assertTrue(e.getMessage().contains("label 12 (row 2 of a batch) is outside the 10 classes"), e.getMessage());
        assertEquals("mnist.dlm", java.nio.file.Path.of(e.span().fileName()).getFileName().toString());
    }

    @Test
    void eachBatchSizeIsCompiledOnceAndCached() throws Exception {
        TrainGraph tg = mnist();
        CompiledTrainer t = new CompiledTrainer(tg, ParamStore.initialize(tg.graph, 1));
        Random r = new Random(2);
        Tensor[] full = batch(r, 16), last = batch(r, 3);
        t.trainStep(full[0], full[1]);
        t.trainStep(last[0], last[1]);
        CompiledGraph a = t.compiled(Codegen.StepKind.TRAIN, 16), b = t.compiled(Codegen.StepKind.TRAIN, 3);
        assertNotSame(a, b);
        t.trainStep(full[0], full[1]);
        assertSame(a, t.compiled(Codegen.StepKind.TRAIN, 16));
        assertEquals(3, t.predict(last[0]).dim(0));
        assertEquals(Map.of(), Map.of());
    }
}
