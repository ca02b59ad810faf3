package dlm.compiler.cli;

import dlm.compiler.Frontend;
import dlm.compiler.autodiff.Autodiff;
import dlm.compiler.autodiff.FiniteDifferences;
import dlm.compiler.check.CheckedModel;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.interp.Interpreter;
import dlm.compiler.interp.ParamStore;
import dlm.compiler.ir.Node;
import dlm.runtime.Tensor;
import dlm.runtime.random.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code dlmc gradcheck FILE}: compares every symbolic gradient of each model's loss with central
 * finite differences computed in f64 (on an f64 copy of the graph) at random inputs and initial
 * params. An entry passes when {@code |symbolic − numeric| ≤ atol + tol·|numeric|}, the combined
 * criterion of {@code torch.autograd.gradcheck} (torch.allclose): a relative error alone would
 * fail gradients that are exactly 0 (a bias before a batch-style normalization), whose symbolic
 * and numeric values are both rounding noise.
 */
final class GradcheckCommand implements Command {
    public String name() { return "gradcheck"; }

    public boolean computes() { return true; }

    public String summary() { return "check symbolic gradients against finite differences in f64 at random points"; }

    public String usage() { return "FILE.dlm [--eps E] [--tol T] [--atol A] [--seed S] [--batch N] [--samples K] [--model NAME]"; }

    public Options options() {
        return new Options()
                .addOption(Option.builder().longOpt("eps").hasArg().argName("E").desc("finite-difference step (default 1e-6)").get())
                .addOption(Option.builder().longOpt("tol").hasArg().argName("T").desc("relative tolerance (default 1e-4): see --atol").get())
                .addOption(Option.builder().longOpt("atol").hasArg().argName("A").desc("absolute tolerance (default 1e-5): an entry passes when |symbolic - numeric| <= A + T*|numeric|, torch.autograd.gradcheck's test, so a gradient that is exactly 0 passes; --atol 0 makes it purely relative").get())
                .addOption(Option.builder().longOpt("seed").hasArg().argName("S").desc("seed for inputs and initial params (default 0)").get())
                .addOption(Option.builder().longOpt("batch").hasArg().argName("N").desc("size of symbolic dims such as batch (default 4)").get())
                .addOption(Option.builder().longOpt("samples").hasArg().argName("K").desc("entries checked per param, at random (default 16; 0 = all)").get())
                .addOption(Option.builder().longOpt("model").hasArg().argName("NAME").desc("only this model").get());
    }

    private static double doubleOpt(CommandLine cl, String opt, double dflt) { return doubleOpt(cl, opt, dflt, false); }

    private static double doubleOpt(CommandLine cl, String opt, double dflt, boolean zeroOk) {
        if (!cl.hasOption(opt)) return dflt;
        try {
            double v = Double.parseDouble(cl.getOptionValue(opt));
            if (!(zeroOk ? v >= 0 : v > 0) || Double.isInfinite(v)) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + opt + " must be a " + (zeroOk ? "finite number of 0 or more" : "positive finite number") + ", got '" + cl.getOptionValue(opt) + "'");
        }
    }

    /**
     * How far entry (symbolic a, numeric n) is from failing: |a − n| / (atol + tol·|n|), so an
     * entry passes when this is at most 1 (0/0 counts as 0); NaN or infinite differences give +∞.
     */
    static double errorRatio(double a, double n, double atol, double tol) {
        double diff = Math.abs(a - n);
        if (!Double.isFinite(diff)) return a == n ? 0 : Double.POSITIVE_INFINITY;
        double allowed = atol + tol * Math.abs(n);
        return diff == 0 ? 0 : allowed == 0 ? Double.POSITIVE_INFINITY : diff / allowed;
    }

    public int run(CommandLine cl, Console c) throws Exception {
        double eps = doubleOpt(cl, "eps", 1e-6), tol = doubleOpt(cl, "tol", 1e-4), atol = doubleOpt(cl, "atol", 1e-5, true);
        long seed = cl.hasOption("seed") ? Args.longValue(cl, "seed") : 0;
        int batch = Args.intInRange(cl, "batch", 1, Integer.MAX_VALUE, 4);
        int samples = Args.intInRange(cl, "samples", 0, Integer.MAX_VALUE, 16);
        CheckedProgram p = Programs.load(Args.file(cl), c);
        String only = cl.getOptionValue("model");
        boolean ok = true;
        int checked = 0;
        for (CheckedModel m : p.models().values()) {
            if (only != null && !only.equals(m.name())) continue;
            if (m.graph().output("loss") == null && p.trainFor(m.name()) == null) continue;
            LossTarget t = LossTarget.of(p, m);
            List<Node> params = t.graph().params();
            List<Node> grads = Autodiff.grad(t.graph(), t.loss(), params, t.loss().span());
            ParamStore store = ParamStore.initialize(t.graph(), seed);
            // Labels are drawn among the model output's classes.
            Node output = t.graph().nodes().stream().filter(n -> "output".equals(n.name())).findFirst().orElse(null);
            Map<Node, Tensor> feeds = RandomFeeds.of(t.graph(), batch, seed, output);
            Map<Node, Tensor> symbolic = new Interpreter(t.graph(), store).run(feeds, grads);
            FiniteDifferences fd = FiniteDifferences.inF64(t.graph(), t.loss(), feeds, store);
            c.out().printf(Locale.ROOT, "gradcheck %s: loss = %s, eps = %.1e, pass when |symbolic - numeric| <= %.1e + %.1e * |numeric|%n", m.name(), TensorText.value(
                    new Interpreter(t.graph(), store).run(feeds, List.of(t.loss())).get(t.loss())), eps, atol, tol);
            Rng pick = new Rng(seed).split("gradcheck samples");
            for (int i = 0; i < params.size(); i++) {
                Node w = params.get(i);
                Tensor sym = symbolic.get(grads.get(i));
                int n = sym.size();
                int[] idx;
                if (samples == 0 || samples >= n) {
                    idx = new int[n];
                    for (int j = 0; j < n; j++) idx[j] = j;
                } else {
                    idx = new int[samples];
                    for (int j = 0; j < samples; j++) idx[j] = pick.nextInt(n);
                }
                double[] num = fd.gradientAt(w, idx, eps);
                double worst = 0, maxDiff = 0;
                int worstAt = 0;
                for (int j = 0; j < idx.length; j++) {
                    double a = sym.getDouble(idx[j]), b = num[j];
                    double r = errorRatio(a, b, atol, tol);
                    maxDiff = Math.max(maxDiff, Double.isNaN(a - b) ? Double.POSITIVE_INFINITY : Math.abs(a - b));
                    if (r > worst || j == 0) { worst = r; worstAt = j; }
                }
                boolean pass = worst <= 1;
                ok &= pass;
                checked++;
                c.out().printf(Locale.ROOT, "  %-24s max |symbolic - numeric| %.2e (%s) over %,d of %,d entries  %s%n", w.name(), maxDiff,
                        share(worst), idx.length, n, pass ? "ok" : String.format(Locale.ROOT, "FAILED (entry %d: symbolic %.6e, numeric %.6e)",
                                idx[worstAt], sym.getDouble(idx[worstAt]), num[worstAt]));
            }
        }
        if (checked == 0) throw new UsageException("no model with a loss to check (assign loss = … in a model, or give it a train block)");
        c.out().println(ok ? "gradcheck passed" : "gradcheck FAILED: a gradient differs from finite differences by more than atol + tol * |numeric|");
        return ok ? 0 : 1;
    }

    /** The worst error ratio as a share of the allowed error: "3% of the allowed", "250% …". */
    static String share(double ratio) {
        if (Double.isInfinite(ratio)) return "not finite, or beyond a zero allowance";
        return String.format(Locale.ROOT, ratio < 0.01 && ratio > 0 ? "%.2g%% of the allowed" : "%.0f%% of the allowed", ratio * 100);
    }

}
