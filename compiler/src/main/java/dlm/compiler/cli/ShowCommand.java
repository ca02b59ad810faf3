package dlm.compiler.cli;

import dlm.runtime.Tensor;
import dlm.runtime.data.Dataset;
import dlm.runtime.data.DatasetException;
import dlm.runtime.data.DatasetOptions;
import dlm.runtime.data.Datasets;
import dlm.runtime.image.Png;
import dlm.runtime.image.TerminalArt;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code dlmc show mnist --index 4}: the chapter's figure 2.2 — a sample as terminal art and PNG, with its label. */
final class ShowCommand implements Command {
    static final List<String> FASHION = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    public String name() { return "show"; }

    public String summary() { return "show a dataset image (mnist, fashion-mnist) in the terminal or as a PNG, with its label"; }

    public String usage() { return "mnist|fashion-mnist [--index I] [--split train|test] [--out FILE.png | --folder DIR [--count N]] [--data DIR]"; }

    public Options options() {
        return new Options()
                .addOption(Option.builder().longOpt("index").hasArg().argName("I").desc("which image (default 0)").get())
                .addOption(Option.builder().longOpt("split").hasArg().argName("train|test").desc("which split (default train)").get())
                .addOption(Option.builder().longOpt("out").hasArg().argName("FILE.png").desc("also write the image as a PNG (scaled 10x)").get())
                .addOption(Option.builder().longOpt("folder").hasArg().argName("DIR").desc("write images --index … --index + N − 1 as DIR/<label>/<split>-<index>.png (unscaled), a folder for imageFolder(…)").get())
                .addOption(Option.builder().longOpt("count").hasArg().argName("N").desc("how many images --folder writes (default 1)").get())
                .addOption(Option.builder().longOpt("data").hasArg().argName("DIR").desc("folder holding the dataset files").get());
    }

    public int run(CommandLine cl, Console c) throws Exception {
        var rest = cl.getArgList();
        if (rest.size() != 1) throw new UsageException("name one dataset: mnist or fashion-mnist");
        String name = rest.get(0);
        if (!Datasets.names().contains(name)) throw new UsageException("unknown dataset '" + name + "' (known: " + String.join(", ", Datasets.names()) + ")");
        String split = Args.choice(cl, "split", "train", "train", "test");
        Path out = cl.hasOption("out") ? OutputPaths.file("--out", cl.getOptionValue("out"), OutputPaths.Kind.PNG) : null;
        if (cl.hasOption("count") && !cl.hasOption("folder")) throw new UsageException("--count goes with --folder");
        if (out != null && cl.hasOption("folder")) throw new UsageException("give --out or --folder, not both");
        Path folder = cl.hasOption("folder") ? OutputPaths.folder("--folder", cl.getOptionValue("folder"), "the images go in one subfolder per label") : null;
        long count = cl.hasOption("count") ? Args.inRange(cl, "count", 1, Integer.MAX_VALUE) : 1;
        DatasetOptions d = DatasetOptions.defaults();
        if (cl.hasOption("data")) d = d.withDataDir(Path.of(cl.getOptionValue("data")));
        Dataset data;
        try {
            data = Datasets.load(name, d);
        } catch (DatasetException e) {
            c.err().println("dlmc show: error: " + e.getMessage());
            return 1;
        }
        Tensor images = split.equals("train") ? data.trainImages() : data.testImages();
        Tensor labels = split.equals("train") ? data.trainLabels() : data.testLabels();
        long i = cl.hasOption("index") ? Args.longValue(cl, "index") : 0;
        if (i < 0 || i >= images.dim(0)) throw new UsageException("--index must be in 0.." + (images.dim(0) - 1));
        if (folder != null) {
            if (i + count > images.dim(0)) throw new UsageException("--index " + i + " --count " + count + " goes past the " + images.dim(0) + " images of the " + split + " split");
            int classes = FolderExport.write(images, labels, (int) i, (int) count, split, folder);
            c.out().println("wrote " + count + (count == 1 ? " image" : " images") + " in " + classes + " label folders under " + folder);
            return 0;
        }
        Tensor img = Rows.row(images, (int) i);
        byte[] px = (byte[]) img.storage();
        int h = images.dim(1), w = images.dim(2);
        int label = (int) labels.getLong((int) i);
        c.out().print(TerminalArt.render(px, w, h, System.console() != null && c.out() == System.out));
        c.out().println(split + "_labels[" + i + "] = " + label + (name.equals("fashion-mnist") ? " (" + FASHION.get(label) + ")" : ""));
        if (out != null) {
            Png.writeGray(px, w, h, 10, out);
            c.out().println("wrote " + out);
        }
        return 0;
    }
}
