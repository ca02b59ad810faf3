package dlm.compiler.cli;

import dlm.runtime.io.AtomicFiles;
import dlm.runtime.train.EpochResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** {@code --json PATH}: the training history and the test results, written atomically. */
final class JsonReport {
    private JsonReport() {}

    static void write(Path path, List<EpochResult> history, List<String> metrics, double[] test, java.util.Map<String, ? extends Number> extra) throws IOException {
        write(path, text(history, metrics, test, extra, null));
    }

    static void write(Path path, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(path, out -> out.write(bytes));
    }

    /** The JSON text; {@code report} (may be null) is the training report's data ({@link RunRecorder}), written last as {@code "report"}. */
    static String text(List<EpochResult> history, List<String> metrics, double[] test, java.util.Map<String, ? extends Number> extra, java.util.Map<String, Object> report) {
        StringBuilder sb = new StringBuilder("{\n  \"epochs\": [\n");
        for (int i = 0; i < history.size(); i++) {
            EpochResult r = history.get(i);
            sb.append("    {\"epoch\": ").append(r.epoch()).append(", \"loss\": ").append(num(r.loss()));
            for (int m = 0; m < metrics.size(); m++) sb.append(", \"").append(metrics.get(m)).append("\": ").append(num(r.metrics().get(m)));
            if (r.hasValidation()) {
                sb.append(", \"val_loss\": ").append(num(r.validation().get(0)));
                for (int m = 0; m < metrics.size(); m++) sb.append(", \"val_").append(metrics.get(m)).append("\": ").append(num(r.validation().get(m + 1)));
            }
            sb.append(", \"seconds\": ").append(num(r.seconds())).append('}').append(i + 1 < history.size() ? "," : "").append('\n');
        }
        sb.append("  ],\n  \"test_loss\": ").append(num(test[0]));
        for (int m = 0; m < metrics.size(); m++) sb.append(",\n  \"test_").append(TrainCommand.shortName(metrics.get(m))).append("\": ").append(num(test[m + 1]));
        for (var e : new java.util.TreeMap<>(extra).entrySet()) sb.append(",\n  \"").append(e.getKey()).append("\": ").append(e.getValue() instanceof Integer i ? i.toString() : num(e.getValue().doubleValue()));
        if (report != null) dlm.compiler.report.Json.write(report, sb.append(",\n  \"report\": "));
        sb.append("\n}\n");
        return sb.toString();
    }

    private static String num(double d) {
        return Double.isFinite(d) ? Double.toString(d) : "null";
    }
}
