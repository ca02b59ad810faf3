package dlm.compiler.cli;

import dlm.compiler.codegen.Codegen.StepKind;
import dlm.compiler.codegen.StepProfile;
import dlm.compiler.train.CompiledTrainer;
import dlm.compiler.train.Trainer;
import dlm.runtime.Tensor;
import dlm.runtime.data.Dataset;
import dlm.runtime.random.Rng;
import dlm.runtime.train.Batcher;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code dlmc profile FILE [--step train|eval|predict] [--steps N]}: runs the compiled step on real
 * batches of the training data, method by method, and prints where its time goes (the matrix
 * products with their GFLOP/s, the fused loops, the kernels), slowest first.
 */
final class ProfileCommand implements Command {
    public String name() { return "profile"; }

    public boolean computes() { return true; }

    public String summary() { return "time each part of a compiled step on real batches (where the time goes)"; }

    public String usage() { return "FILE.dlm [--step train|eval|predict] [--steps N] [--warmup N] [--top N] [--batch-size N]"; }

    public Options options() {
        Options o = new Options()
                .addOption(Option.builder().longOpt("step").hasArg().argName("train|eval|predict").desc("which step (default train)").get())
                .addOption(Option.builder().longOpt("steps").hasArg().argName("N").desc("timed runs (default 300)").get())
                .addOption(Option.builder().longOpt("warmup").hasArg().argName("N").desc("untimed runs first, for the JIT (default 300)").get())
                .addOption(Option.builder().longOpt("top").hasArg().argName("N").desc("rows to show (default 25)").get())
                .addOption(Option.builder().longOpt("batch-size").hasArg().argName("N").desc("batch size (default: the train block's)").get());
        TrainSetup.addOptions(o, "the initial weights and the order of the batches", false);
        return o;
    }

    public int run(CommandLine cl, Console c) throws Exception {
        StepKind kind = StepKind.valueOf(Args.choice(cl, "step", "train", "train", "eval", "predict").toUpperCase(Locale.ROOT));
        TrainSetup setup = TrainSetup.load(cl, c);
        int batch = setup.intSetting(cl, "batch-size", "batchSize", 32);
        int steps = positive(cl, "steps", 300), warmup = Args.intInRange(cl, "warmup", 0, Integer.MAX_VALUE, 300);
        int top = positive(cl, "top", 25);
        Dataset data = setup.dataset(cl);
        Trainer trainer = setup.trainer();
        CompiledTrainer ct = (CompiledTrainer) trainer;
        var byName = data.byName() == null ? null : (dlm.compiler.train.ByNameTrainer) dlm.compiler.train.ByNameTrainer.over(trainer, data);
        Batcher batcher = new Batcher(data.trainImages(), data.trainLabels(), batch);
        int full = data.trainImages().dim(0) / batch;
        if (full == 0) throw new UsageException("the batch size " + batch + " is larger than the " + data.trainImages().dim(0) + " training images");
        int[] order = new int[batcher.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        new Rng(setup.seed).split("profile").shuffle(order);
        StepProfile profile = null;
        long start = System.nanoTime();
        for (int s = 0; s < warmup + steps; s++) {
            Tensor[] b = batcher.batch(order, s % full);
            // a model trained by name batches row numbers: its step takes those rows of every input and target
            var g = byName == null ? ct.prepare(kind, b[0], b[1]) : ct.prepare(kind, byName.inputsAt(b[0]), byName.targetsAt(b[0]));
            if (profile == null) profile = new StepProfile(g);
            if (s == warmup) start = System.nanoTime();
            profile.run(s >= warmup);
        }
        double wall = (System.nanoTime() - start) / 1e3 / steps;
        c.out().printf(Locale.ROOT, "%s step, batch %d: %d timed runs after %d warm-up runs; %.1f µs per step including feeding the batch%n%n",
                kind.lower(), batch, steps, warmup, wall);
        c.out().print(profile.render(top));
        return 0;
    }

    private static int positive(CommandLine cl, String opt, int dflt) {
        return Args.intInRange(cl, opt, 1, Integer.MAX_VALUE, dflt);
    }
}
