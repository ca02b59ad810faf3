package dlm.compiler.cli;

import dlm.compiler.train.Trainer;
import dlm.runtime.data.Dataset;
import dlm.runtime.io.Checkpoint;
import dlm.runtime.train.TrainLoop;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code dlmc eval FILE --weights PATH}: test loss and metrics of trained weights (listing 2.7). */
final class EvalCommand implements Command {
    public String name() { return "eval"; }

    public boolean computes() { return true; }

    public String summary() { return "evaluate trained weights on the test set (loss and metrics)"; }

    public String usage() { return "FILE.dlm --weights PATH [--data DIR] [--batch-size N]"; }

    public Options options() {
        Options o = new Options()
                .addOption(Option.builder().longOpt("weights").hasArg().argName("PATH").desc("checkpoint written by dlmc train --save").get())
                .addOption(Option.builder().longOpt("batch-size").hasArg().argName("N").desc("evaluation batch size (default: the train block's, else 32)").get());
        TrainSetup.addOptions(o, null);
        return o;
    }

    static Trainer loadWeights(CommandLine cl, TrainSetup setup) throws Exception {
        if (!cl.hasOption("weights")) throw new UsageException("--weights PATH is required");
        Trainer t = setup.trainer();
        Checkpoint c = Checkpoints.read(Path.of(cl.getOptionValue("weights")), setup.graph.weights());
        c.params().forEach((k, v) -> t.params().set(k, v));
        return t;
    }

    public int run(CommandLine cl, Console c) throws Exception {
        TrainSetup setup = TrainSetup.load(cl, c);
        int batchSize = setup.intSetting(cl, "batch-size", "batchSize", 32);
        Dataset data = setup.testable(cl);
        Trainer t = dlm.compiler.train.ByNameTrainer.over(loadWeights(cl, setup), data);
        double[] r = TrainLoop.evaluate(t, data.testImages(), data.testLabels(), batchSize);
        List<String> names = t.metricNames();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "test_loss: %.4f", r[0]));
        for (int i = 0; i < names.size(); i++) line.append(String.format(Locale.ROOT, " - test_%s: %.4f", TrainCommand.shortName(names.get(i)), r[i + 1]));
        c.out().println(line);
        return 0;
    }
}
