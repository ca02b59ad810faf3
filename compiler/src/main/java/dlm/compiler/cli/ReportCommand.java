package dlm.compiler.cli;

import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceFile;
import dlm.compiler.diag.SourceSpan;
import dlm.compiler.report.HtmlReport;
import dlm.compiler.report.Json;
import dlm.compiler.report.PngCurves;
import dlm.compiler.report.RunData;
import dlm.runtime.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code dlmc report history.json --out run.html [--plot curves.png]}: the training report of a
 * past run, from the JSON {@code dlmc train --json} wrote (with {@code --report}, that JSON also
 * holds the summary, graph, norms and test predictions; without it those sections say so).
 */
final class ReportCommand implements Command {
    public String name() { return "report"; }

    public String summary() { return "write the HTML training report (and/or the curves as PNG) of a past run from its --json history"; }

    public String usage() { return "HISTORY.json [--out REPORT.html] [--plot CURVES.png]"; }

    public Options options() {
        return new Options()
                .addOption(Option.builder().longOpt("out").hasArg().argName("REPORT.html").desc("write the self-contained HTML report").get())
                .addOption(Option.builder().longOpt("plot").hasArg().argName("CURVES.png").desc("write the loss and metric curves as a PNG").get());
    }

    public int run(CommandLine cl, Console c) throws Exception {
        var rest = cl.getArgList();
        if (rest.size() != 1) throw new UsageException("name one history file (written by dlmc train --json)");
        if (!cl.hasOption("out") && !cl.hasOption("plot")) throw new UsageException("give --out REPORT.html, --plot CURVES.png or both");
        Path in = Path.of(rest.get(0));
        Path out = cl.hasOption("out") ? OutputPaths.file("--out", cl.getOptionValue("out"), OutputPaths.Kind.HTML_REPORT) : null;
        Path plot = cl.hasOption("plot") ? OutputPaths.file("--plot", cl.getOptionValue("plot"), OutputPaths.Kind.PNG) : null;
        OutputPaths.distinct("--out", out, "--plot", plot);
        OutputPaths.distinct("the history", in, "--out", out);
        OutputPaths.distinct("the history", in, "--plot", plot);
        if (!Files.isRegularFile(in)) throw new UsageException("history " + in + " is not a file");
        RunData run = read(in);
        write(run, out, plot, title(run, in));
        if (out != null) c.out().println("wrote " + out);
        if (plot != null) c.out().println("wrote " + plot);
        return 0;
    }

    /** Reads a history; a file that is not one is an error located in it. */
    static RunData read(Path in) throws IOException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(in))).toString();
        } catch (CharacterCodingException e) {
            throw new UsageException("history " + in + " is not UTF-8 text");
        }
        SourceFile file = SourceFile.of(in.toString(), text);
        Object json;
        try {
            json = Json.parse(text);
        } catch (Json.JsonException e) {
            throw new DlmException(new SourceSpan(file, e.line, e.column, e.line, e.column), e.getMessage());
        }
        try {
            return RunData.of(json);
        } catch (IllegalArgumentException e) {
            throw new DlmException(new SourceSpan(file, 1, 1, 1, 1), e.getMessage());
        }
    }

    /** Writes the report and the curves (either may be null), each atomically. */
    static void write(RunData run, Path html, Path plot, String title) throws IOException {
        if (html != null) {
            byte[] bytes = HtmlReport.render(run, title).getBytes(StandardCharsets.UTF_8);
            AtomicFiles.write(html, o -> o.write(bytes));
        }
        if (plot != null) {
            byte[] png = PngCurves.render(run.curveCharts());
            AtomicFiles.write(plot, o -> o.write(png));
        }
    }

    static String title(RunData run, Path from) {
        return "Training report: " + (run.model() != null ? run.model() : from.getFileName().toString());
    }
}
