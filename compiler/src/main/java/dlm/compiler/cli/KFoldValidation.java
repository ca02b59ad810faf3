package dlm.compiler.cli;

import dlm.compiler.data.DataSources;
import dlm.compiler.diag.DlmException;
import dlm.compiler.train.Adaptation;
import dlm.compiler.train.ByNameTrainer;
import dlm.runtime.data.Dataset;
import dlm.compiler.train.Trainer;
import dlm.runtime.Tensor;
import dlm.runtime.train.NonFiniteLossException;
import dlm.runtime.train.ProgressBar;
import dlm.runtime.train.TrainLoop;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The train block's {@code kFold = K}: the K-fold validation of <i>Deep Learning with Python</i>
 * (section 4.3): the training data (after {@code --limit}, in its order) is cut into K parts of
 * {@code n / K} rows (the {@code n mod K} rows left over always train); for each part, a model
 * made afresh (the run's seed, normalization adapted on the other parts) trains the block's
 * epochs on the other parts and is evaluated on it. Each fold's validation loss and metrics are
 * printed, then their means, which the JSON report keeps as {@code kfold_val_loss} and
 * {@code kfold_val_<metric>}. The folds run no callbacks; training on all the data follows, as
 * in the book.
 */
final class KFoldValidation {
    private KFoldValidation() {}

    /** Runs the K folds, printing a line each and the means; returns the means for the JSON report. */
    static Map<String, Number> run(TrainSetup setup, int k, Tensor images, Tensor labels, Tensor weights, int epochs, int batchSize, Consumer<String> say,
                                   Dataset.ByName columns) {
        int n = images.dim(0), per = n / k;
        if (per == 0)
            throw new DlmException(setup.settingSpan("kFold"), "kFold = " + k + " needs at least " + k + " training samples, one a fold; this data has " + n);
        double[] sums = null;
        List<String> names = null;
        for (int f = 0; f < k; f++) {
            int[] val = new int[per], train = new int[n - per];
            for (int i = 0, t = 0; i < n; i++) {
                if (i >= f * per && i < (f + 1) * per) val[i - f * per] = i;
                else train[t++] = i;
            }
            // a model trained by name: images and labels are row numbers into the columns
            Trainer trainer = ByNameTrainer.over(setup.trainer(), columns);
            Tensor tx = DataSources.rows(images, train), ty = DataSources.rows(labels, train), tw = weights == null ? null : DataSources.rows(weights, train);
            if (trainer instanceof ByNameTrainer byName) Adaptation.adapt(setup.graph, trainer.params(), byName.inputsAt(tx));
            else Adaptation.adapt(setup.graph, trainer.params(), tx);
            try {
                TrainLoop.fit(trainer, tx, ty, tw, null, null, epochs, batchSize, setup.seed, 1, null, null, List.of(), null);
            } catch (NonFiniteLossException e) {
                throw new DlmException(setup.settingSpan("kFold"), "fold " + (f + 1) + " of " + k + ": " + e.getMessage());
            }
            double[] r = TrainLoop.evaluate(trainer, DataSources.rows(images, val), DataSources.rows(labels, val), batchSize);
            names = trainer.metricNames();
            if (sums == null) sums = new double[r.length];
            for (int i = 0; i < r.length; i++) sums[i] += r[i];
            say.accept("Fold " + (f + 1) + "/" + k + ": trained on " + train.length + ", validated on " + per + ProgressBar.validation(names, boxed(r)));
        }
        Map<String, Number> out = new LinkedHashMap<>();
        double[] mean = new double[sums.length];
        for (int i = 0; i < sums.length; i++) mean[i] = sums[i] / k;
        say.accept(String.format(Locale.ROOT, "%d-fold validation, mean of the folds", k) + ProgressBar.validation(names, boxed(mean)));
        out.put("kfold_val_loss", mean[0]);
        for (int i = 0; i < names.size(); i++) out.put("kfold_val_" + names.get(i), mean[i + 1]);
        return out;
    }

    private static List<Double> boxed(double[] r) { return java.util.Arrays.stream(r).boxed().toList(); }
}
