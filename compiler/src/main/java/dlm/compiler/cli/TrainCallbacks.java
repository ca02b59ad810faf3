package dlm.compiler.cli;

import dlm.compiler.ast.Ast;
import dlm.compiler.check.Value;
import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceSpan;
import dlm.compiler.train.Trainer;
import dlm.runtime.Tensor;
import dlm.runtime.train.Callback;
import dlm.runtime.train.EarlyStopping;
import dlm.runtime.train.ModelCheckpoint;
import dlm.runtime.train.Monitor;
import dlm.runtime.train.ReduceLrOnPlateau;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The train block's {@code callbacks = [...]} as runtime callbacks bound to a trainer: the
 * checker has refused what they could not act on (TrainBlock); here modelCheckpoint's path is
 * checked as an output before any training, located at the callback.
 */
final class TrainCallbacks {
    private TrainCallbacks() {}

    /** The output paths the callbacks write, each checked as a checkpoint path (for {@link OutputPaths#distinct}). */
    static List<Path> outputs(TrainSetup setup) {
        List<Path> out = new ArrayList<>();
        List<Value.ConfigV> cbs = configs(setup);
        for (int i = 0; i < cbs.size(); i++) {
            if (!cbs.get(i).name().equals("modelCheckpoint")) continue;
            try {
                out.add(OutputPaths.file("modelCheckpoint", (String) cbs.get(i).args().get("filepath"), OutputPaths.Kind.CHECKPOINT));
            } catch (UsageException e) {
                throw new DlmException(span(setup, i), e.getMessage());
            }
        }
        return out;
    }

    static List<Callback> of(TrainSetup setup, Trainer trainer, Checkpoints ckpt) {
        List<Callback> out = new ArrayList<>();
        for (Value.ConfigV c : configs(setup)) {
            Map<String, Object> a = c.args();
            Monitor monitor = Monitor.of((String) a.getOrDefault("monitor", "val_loss"), (String) a.getOrDefault("mode", "auto"));
            out.add(switch (c.name()) {
                case "earlyStopping" -> new EarlyStopping(monitor, num(a, "minDelta"), (int) num(a, "patience"),
                        (Boolean) a.get("restoreBestWeights") ? weights(trainer) : null);
                case "modelCheckpoint" -> {
                    Path path = Path.of((String) a.get("filepath"));
                    yield new ModelCheckpoint(monitor, (Boolean) a.get("saveBestOnly"), epoch -> ckpt.save(path, trainer, epoch));
                }
                case "reduceLrOnPlateau" -> new ReduceLrOnPlateau(monitor, num(a, "factor"), (int) num(a, "patience"), num(a, "minDelta"), (int) num(a, "cooldown"),
                        num(a, "minLr"), new ReduceLrOnPlateau.LearningRate() {
                            public double get() { return trainer.learningRate().getDouble(0); }

                            public void set(double lr) { trainer.setLearningRate(lr); }
                        });
                default -> throw new IllegalStateException("no callback " + c.name());
            });
        }
        return out;
    }

    /** The trainer's params: a copy of each, and putting the copies back (Keras's get_weights / set_weights). */
    private static EarlyStopping.Weights weights(Trainer t) {
        return new EarlyStopping.Weights() {
            public Object copy() {
                Map<String, Tensor> m = new LinkedHashMap<>();
                t.params().all().forEach((k, v) -> m.put(k, v.copy()));
                return m;
            }

            @SuppressWarnings("unchecked")
            public void restore(Object copy) {
                ((Map<String, Tensor>) copy).forEach((k, v) -> t.params().set(k, v.copy()));
            }
        };
    }

    private static double num(Map<String, Object> a, String k) { return ((Number) a.get(k)).doubleValue(); }

    private static List<Value.ConfigV> configs(TrainSetup setup) {
        List<Value.ConfigV> out = new ArrayList<>();
        if (setup.config.settings().get("callbacks") instanceof Value.ListV l) for (Value v : l.items()) out.add((Value.ConfigV) v);
        return out;
    }

    private static SourceSpan span(TrainSetup setup, int i) {
        SourceSpan whole = setup.settingSpan("callbacks");
        return setup.config.decl().settings().stream().filter(s -> s.key().equals("callbacks")).findFirst()
                .map(s -> s.value() instanceof Ast.ListLit l && i < l.items().size() ? l.items().get(i).span() : whole).orElse(whole);
    }
}
