package dlm.compiler.cli;

import dlm.compiler.onnx.OnnxExporter;
import dlm.runtime.io.Checkpoint;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code dlmc export FILE --weights PATH --out MODEL.onnx [--opset N]}: the predict graph with its weights as an ONNX model. */
final class ExportCommand implements Command {
    public String name() { return "export"; }

    public String summary() { return "write the model's predict graph with trained weights as an ONNX model"; }

    public String usage() { return "FILE.dlm --weights PATH --out MODEL.onnx [--opset N]"; }

    public Options options() {
        return new Options()
                .addOption(Option.builder().longOpt("weights").hasArg().argName("PATH").desc("checkpoint written by dlmc train --save").get())
                .addOption(Option.builder().longOpt("out").hasArg().argName("MODEL.onnx").desc("the ONNX file to write").get())
                .addOption(Option.builder().longOpt("opset").hasArg().argName("N").desc("ONNX opset to target, " + OnnxExporter.MIN_OPSET + " to "
                        + OnnxExporter.MAX_OPSET + " (default " + OnnxExporter.DEFAULT_OPSET + ")").get());
    }

    public int run(CommandLine cl, Console c) throws Exception {
        if (!cl.hasOption("weights")) throw new UsageException("--weights PATH is required");
        if (!cl.hasOption("out")) throw new UsageException("--out MODEL.onnx is required");
        int opset = cl.hasOption("opset") ? (int) Args.inRange(cl, "opset", 1, 1000) : OnnxExporter.DEFAULT_OPSET;
        try {
            OnnxExporter.checkOpset(opset);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        Path out = OutputPaths.file("--out", cl.getOptionValue("out"), OutputPaths.Kind.ONNX);
        TrainSetup setup = TrainSetup.load(cl, c);
        Checkpoint weights = Checkpoints.read(Path.of(cl.getOptionValue("weights")), setup.graph.weights());
        var model = OnnxExporter.export(setup.graph, weights.params(), opset, setup.config.model().name());
        try (OutputStream os = Files.newOutputStream(out)) {
            model.writeTo(os);
        }
        c.out().println("wrote " + out + " (ONNX opset " + opset + ", " + model.getGraph().getNodeCount() + " nodes, "
                + model.getGraph().getInitializerCount() + " initializers)");
        return 0;
    }
}
