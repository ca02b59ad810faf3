package dlm.compiler.codegen;

import dlm.compiler.Frontend;
import dlm.compiler.TestFiles;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.train.CompiledTrainer;
import dlm.compiler.train.InterpretedTrainer;
import dlm.compiler.train.TrainGraph;
import dlm.compiler.train.Trainer;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.Locale;
import java.util.Random;

/**
 * Seconds per epoch-equivalent (469 steps of batch 128, random u8 MNIST-shaped data) of the
 * chapter's model, compiled and interpreted, in one run. Not a test: run it with
 * {@code java -cp … dlm.compiler.codegen.TrainingBenchmark [compiledEpochs] [interpretedSteps]}.
 */
public final class TrainingBenchmark {
    public static void main(String[] args) throws Exception {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int interpSteps = args.length > 1 ? Integer.parseInt(args[1]) : 469;
        String example = args.length > 2 ? args[2] : "mnist.dlm";
        CheckedProgram p = Frontend.load(TestFiles.example(example));
        TrainGraph tg = TrainGraph.build(p, p.trains().get(0));
        int steps = 469, batch = 128;
        Random r = new Random(1);
        Tensor[] images = new Tensor[8], labels = new Tensor[8];
        for (int b = 0; b < images.length; b++) {
            images[b] = Tensor.zeros(DType.U8, batch, 28, 28);
            labels[b] = Tensor.zeros(DType.U8, batch);
            byte[] im = images[b].byteStorage(), lb = labels[b].byteStorage();
            for (int i = 0; i < im.length; i++) im[i] = (byte) r.nextInt(256);
            for (int i = 0; i < lb.length; i++) lb[i] = (byte) r.nextInt(10);
        }
        Trainer compiled = new CompiledTrainer(tg, ParamStore.initialize(tg.graph, 0));
        for (int e = 0; e < epochs; e++) {
            long t0 = System.nanoTime();
            double loss = 0;
            for (int s = 0; s < steps; s++) loss = compiled.trainStep(images[s % 8], labels[s % 8])[0];
            double sec = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "compiled    epoch %d: %.2f s (%.2f ms/step), last loss %.4f%n", e + 1, sec, sec * 1000 / steps, loss);
        }
        if (interpSteps > 0) {
            Trainer interp = new InterpretedTrainer(tg, ParamStore.initialize(tg.graph, 0));
            for (int s = 0; s < 5; s++) interp.trainStep(images[s % 8], labels[s % 8]); // warm-up
            long t0 = System.nanoTime();
            for (int s = 0; s < interpSteps; s++) interp.trainStep(images[s % 8], labels[s % 8]);
            double sec = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "interpreted %d steps: %.2f s (%.2f ms/step) = %.2f s per epoch-equivalent%n", interpSteps, sec, sec * 1000 / interpSteps, sec / interpSteps * steps);
        }
    }
}
