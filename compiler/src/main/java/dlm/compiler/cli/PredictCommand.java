package dlm.compiler.cli;

import dlm.compiler.train.Trainer;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.data.Dataset;
import dlm.runtime.image.GrayImage;
import dlm.runtime.image.Png;
import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code dlmc predict FILE --weights PATH}: the chapter's listing 2.6 — the class probabilities
 * of one test digit, the most likely class and the true label; or of a 28×28 PNG.
 */
final class PredictCommand implements Command {
    public String name() { return "predict"; }

    public boolean computes() { return true; }

    public String summary() { return "predict the class of a test image (or a PNG) with trained weights"; }

    public String usage() { return "FILE.dlm --weights PATH [--index I] [--image PNG] [--data DIR]"; }

    public Options options() {
        Options o = new Options()
                .addOption(Option.builder().longOpt("weights").hasArg().argName("PATH").desc("checkpoint written by dlmc train --save").get())
                .addOption(Option.builder().longOpt("index").hasArg().argName("I").desc("index of the test image (default 0)").get())
                .addOption(Option.builder().longOpt("image").hasArg().argName("PNG").desc("a 28x28 grayscale PNG to classify instead").get());
        TrainSetup.addOptions(o, null);
        return o;
    }

    public int run(CommandLine cl, Console c) throws Exception {
        TrainSetup setup = TrainSetup.load(cl, c);
        Trainer t = EvalCommand.loadWeights(cl, setup);
        if (setup.graph.byName()) return byName(cl, c, setup, t);
        Tensor image;
        Integer label = null;
        var in = setup.graph.images.type();
        if (cl.hasOption("image") && !(in.dtype() == DType.U8 && in.rank() == 3))
            throw new UsageException("--image needs a model whose input is grayscale images u8[batch, h, w]; " + setup.config.model().name() + " takes " + in);
        int[] want = in.rank() == 3 ? new int[] {in.shape().dim(1).size(), in.shape().dim(2).size()} : null;
        if (cl.hasOption("image")) {
            GrayImage g = Png.readGray(Path.of(cl.getOptionValue("image")));
            if (want != null && (g.width() != want[1] || g.height() != want[0]))
                throw new UsageException(cl.getOptionValue("image") + " is " + g.width() + "x" + g.height() + "; the model takes " + want[1] + "x" + want[0] + " images");
            image = Tensor.wrap(DType.U8, new int[] {1, g.height(), g.width()}, g.pixels().clone());
        } else {
            Dataset data = setup.testable(cl);
            long i = cl.hasOption("index") ? Args.longValue(cl, "index") : 0;
            if (i < 0 || i >= data.testImages().dim(0))
                throw new UsageException("--index must be in 0.." + (data.testImages().dim(0) - 1));
            image = Rows.row(data.testImages(), (int) i);
            if (!data.testLabels().dtype().isInteger()) {
                // a file source's values (a regression, or 0/1 against one sigmoid output)
                Tensor p = t.predict(image);
                c.out().println("test sample " + i + ":");
                c.out().println("predicted value: " + Rows.row(p, 0).reshape(p.size()));
                c.out().println("true value: " + Rows.row(data.testLabels(), (int) i).reshape(data.testLabels().size() / data.testLabels().dim(0)));
                return 0;
            }
            label = (int) data.testLabels().getLong((int) i);
            c.out().println("test image " + i + ":");
        }
        Tensor p = t.predict(image);
        Tensor row = Rows.row(p, 0).reshape(p.dim(1));
        int best = 0;
        for (int k = 1; k < row.size(); k++) if (row.getDouble(k) > row.getDouble(best)) best = k;
        c.out().println("predictions = " + row);
        c.out().println("predicted class: " + best + String.format(java.util.Locale.ROOT, " (probability %.4f)", row.getDouble(best)));
        if (label != null) c.out().println("true label: " + label);
        return 0;
    }

    /** A model of several inputs or outputs: every output of test sample I, each with its true value. */
    private static int byName(CommandLine cl, Console c, TrainSetup setup, Trainer t) {
        if (cl.hasOption("image"))
            throw new UsageException("--image feeds one input; model " + setup.config.model().name() + " takes " + setup.graph.inputs.size() + " inputs and returns "
                    + setup.graph.outputs.size() + " outputs");
        Dataset data = setup.testable(cl);
        long i = cl.hasOption("index") ? Args.longValue(cl, "index") : 0;
        if (i < 0 || i >= data.testImages().dim(0)) throw new UsageException("--index must be in 0.." + (data.testImages().dim(0) - 1));
        var byName = (dlm.compiler.train.ByNameTrainer) dlm.compiler.train.ByNameTrainer.over(t, data);
        Tensor row = Rows.row(data.testImages(), (int) i);
        Tensor[] outs = byName.predictAll(byName.inputsAt(row)), truth = byName.targetsAt(row);
        c.out().println("test sample " + i + ":");
        for (int h = 0; h < outs.length; h++) {
            Tensor p = outs[h];
            String line = setup.graph.outputNames.get(h) + ": predicted " + p.reshape(p.size()) + ", true " + truth[h].reshape(truth[h].size());
            if (truth[h].dtype().isInteger() && p.rank() == 2 && p.dim(1) > 1) {
                int best = 0;
                for (int k = 1; k < p.dim(1); k++) if (p.getDouble(k) > p.getDouble(best)) best = k;
                line += String.format(java.util.Locale.ROOT, " (predicted class %d, probability %.4f)", best, p.getDouble(best));
            }
            c.out().println(line);
        }
        return 0;
    }
}
