package dlm.compiler.cli;

import dlm.compiler.check.CheckedModel;
import dlm.compiler.check.Value;
import dlm.compiler.ir.Graph;
import dlm.compiler.ir.Node;
import dlm.compiler.ir.TensorType;
import dlm.compiler.train.ParamNorms;
import dlm.compiler.train.TrainGraph;
import dlm.compiler.train.Trainer;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import dlm.runtime.train.Batcher;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * What the training report needs beyond the history, gathered by {@code dlmc train} as the
 * {@code "report"} object of its JSON: the model summary and forward graph, the per-param norms
 * ({@link ParamNorms}), and for a classifier the test set's confusion matrix and its misclassified
 * images (PNG data URIs). Sections that do not apply carry {@code "omitted": reason}.
 */
final class RunRecorder {
    /** At most this many misclassified images go into the report (the first ones, in test order). */
    static final int MAX_IMAGES = 64;
    /** The probe batch of the gradient norms: the first rows of the training data, at most this many. */
    static final int PROBE_ROWS = 32;

    private RunRecorder() {}

    static Map<String, Object> record(TrainSetup setup, Trainer trainer, ParamNorms norms, Tensor testImages, Tensor testLabels, int batchSize, String source) throws IOException {
        CheckedModel m = setup.config.model();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("model", m.name());
        r.put("source", source);
        r.put("summary", summary(m));
        r.put("graph", graph(m.graph()));
        r.put("norms", norms(norms));
        TrainGraph tg = trainer.graph();
        TensorType out = tg.output.type();
        String why = null;
        if (testImages.dim(0) == 0) why = "there is no test part (hold one out with data = split(…, test = 0.2))";
        else if (tg.classes <= 0 || out.rank() != 2 || !out.shape().dim(1).isKnown() || out.shape().dim(1).coefficient() != tg.classes)
            why = "the labels are not class indices of the output (" + out + "): a regression or a binary target has no confusion matrix";
        if (why != null) {
            r.put("confusion", Map.of("omitted", why));
            r.put("misclassified", Map.of("omitted", why));
            return r;
        }
        int k = tg.classes, n = testImages.dim(0);
        long[][] cm = new long[k][k];
        List<Object> images = new ArrayList<>();
        long wrong = 0;
        String imageWhy = imageKind(testImages);
        List<String> names = labelNames(setup, k);
        Batcher batcher = new Batcher(testImages, testLabels, batchSize);
        for (int s = 0, row = 0; s < batcher.batches(); s++) {
            Tensor[] b = batcher.batch(null, s);
            Tensor p = trainer.predict(b[0]);
            for (int i = 0; i < b[0].dim(0); i++, row++) {
                int pred = 0;
                for (int c = 1; c < k; c++) if (p.getDouble(i * k + c) > p.getDouble(i * k + pred)) pred = c;
                int truth = (int) b[1].getLong(i);
                cm[truth][pred]++;
                if (pred == truth) continue;
                wrong++;
                if (imageWhy == null && images.size() < MAX_IMAGES) {
                    Map<String, Object> im = new LinkedHashMap<>();
                    im.put("index", row);
                    im.put("true", names.get(truth));
                    im.put("predicted", names.get(pred));
                    im.put("png", "data:image/png;base64," + Base64.getEncoder().encodeToString(png(Rows.row(testImages, row))));
                    images.add(im);
                }
            }
        }
        List<Object> matrix = new ArrayList<>();
        for (long[] rowv : cm) {
            List<Object> l = new ArrayList<>();
            for (long v : rowv) l.add(v);
            matrix.add(l);
        }
        Map<String, Object> conf = new LinkedHashMap<>();
        conf.put("labels", new ArrayList<Object>(names));
        conf.put("matrix", matrix);
        conf.put("test_count", n);
        r.put("confusion", conf);
        if (imageWhy != null) r.put("misclassified", Map.of("omitted", imageWhy));
        else {
            Map<String, Object> mis = new LinkedHashMap<>();
            mis.put("total", wrong);
            mis.put("images", images);
            r.put("misclassified", mis);
        }
        return r;
    }

    private static Map<String, Object> summary(CheckedModel m) {
        Map<String, Object> s = new LinkedHashMap<>();
        List<Object> ins = new ArrayList<>(), outs = new ArrayList<>(), params = new ArrayList<>();
        for (Node in : m.graph().inputs()) ins.add(in.name() + ": " + in.type());
        m.graph().outputs().forEach((k, v) -> outs.add(k + ": " + v.type()));
        long total = 0, trainable = 0;
        List<String[]> rows = ModelSummary.rows(m);
        List<Node> ps = m.graph().params();
        for (int i = 0; i < ps.size(); i++) {
            long count = ps.get(i).type().shape().numel().coefficient();
            total += count;
            if (ps.get(i).attrs().getBool("trainable", true)) trainable += count;
            params.add(List.of(rows.get(i)[0], rows.get(i)[1], rows.get(i)[2], count));
        }
        s.put("inputs", ins);
        s.put("outputs", outs);
        s.put("params", params);
        s.put("total", total);
        s.put("trainable", trainable);
        return s;
    }

    /** The nodes and edges of {@code dlmc graph --format dot}. */
    static Map<String, Object> graph(Graph g) {
        List<Object> nodes = new ArrayList<>(), edges = new ArrayList<>();
        for (Node n : g.nodes()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("id", n.id());
            o.put("name", n.name());
            o.put("op", n.opName());
            o.put("type", n.type().toString());
            o.put("kind", switch (n.opName()) { case "input", "param", "constant" -> n.opName(); default -> "op"; });
            o.put("output", g.outputs().containsValue(n));
            nodes.add(o);
            for (Node i : n.inputs()) edges.add(List.of(i.id(), n.id()));
        }
        return Map.of("nodes", nodes, "edges", edges);
    }

    private static Map<String, Object> norms(ParamNorms norms) {
        if (norms.epochs.isEmpty()) return Map.of("omitted", "no epoch was trained");
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("probe_rows", norms.probeRows());
        o.put("epochs", new ArrayList<Object>(norms.epochs));
        o.put("weight", new LinkedHashMap<String, Object>(norms.weight));
        o.put("gradient", new LinkedHashMap<String, Object>(norms.gradient));
        return o;
    }

    /** Null when the rows are images ([h, w], or [h, w, c] with 1, 3 or 4 channels), else why they are not shown. */
    static String imageKind(Tensor images) {
        int r = images.rank();
        if (r == 3 || (r == 4 && (images.dim(3) == 1 || images.dim(3) == 3 || images.dim(3) == 4))) return null;
        return "the inputs are not images (rows of shape " + java.util.Arrays.toString(java.util.Arrays.copyOfRange(images.shape(), 1, r)) + ")";
    }

    /** The class names: Fashion-MNIST's or CIFAR-10's, else the class indices. */
    private static List<String> labelNames(TrainSetup setup, int k) {
        boolean fashion = setup.config.settings().get("data") instanceof Value.ConfigV d && d.name().equals("fashionMnist") && k == ShowCommand.FASHION.size();
        boolean cifar = setup.config.settings().get("data") instanceof Value.ConfigV d && d.name().equals("cifar10") && k == dlm.runtime.data.Cifar10.CLASSES.size();
        List<String> l = new ArrayList<>();
        for (int i = 0; i < k; i++)
            l.add(fashion ? i + " " + ShowCommand.FASHION.get(i) : cifar ? i + " " + dlm.runtime.data.Cifar10.CLASSES.get(i) : Integer.toString(i));
        return l;
    }

    /**
     * One image row as a PNG: u8 pixels as they are; other dtypes as they are when within 0–255
     * with values above 1, else stretched from their minimum to their maximum. {@code img} is one
     * row with its leading axis of 1 ({@link Rows#row}): [1, h, w] or [1, h, w, c].
     */
    static byte[] png(Tensor img) throws IOException {
        int h = img.dim(1), w = img.dim(2), c = img.rank() == 4 ? img.dim(3) : 1;
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < img.size(); i++) { double v = img.getDouble(i); lo = Math.min(lo, v); hi = Math.max(hi, v); }
        boolean raw = img.dtype() == DType.U8 || (lo >= 0 && hi <= 255 && hi > 1);
        double scale = raw ? 1 : hi > lo ? 255 / (hi - lo) : 0, off = raw ? 0 : lo;
        BufferedImage bi = new BufferedImage(w, h, c >= 3 ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int base = (y * w + x) * c;
                int[] ch = new int[3];
                for (int j = 0; j < 3; j++) {
                    double v = (img.getDouble(base + (c >= 3 ? j : 0)) - off) * scale;
                    ch[j] = (int) Math.max(0, Math.min(255, Math.round(v)));
                }
                if (c >= 3) bi.setRGB(x, y, (ch[0] << 16) | (ch[1] << 8) | ch[2]);
                else bi.getRaster().setSample(x, y, 0, ch[0]);
            }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(bi, "png", out);
        return out.toByteArray();
    }
}
