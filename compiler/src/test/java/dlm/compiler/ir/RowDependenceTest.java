package dlm.compiler.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.Frontend;
import dlm.compiler.TestFiles;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.check.Value;
import dlm.compiler.codegen.Codegen;
import dlm.compiler.train.TrainGraph;
import dlm.runtime.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Row dependence of predict graphs: which models compute output row k from input row k alone
 * (then a short batch may be padded), and, for those that do not, the op named as the first to
 * mix rows, with its place in the source.
 */
class RowDependenceTest {

    /** The first mixing op of model M(x: f32[batch, 4]) returning {@code body}, as "op line:col", or "" when rows stay independent. */
    private static String firstMixing(String body) {
        String src = """
                import std.nn.*
                fun anyLoss(yTrue: Tensor, yPred: Tensor): f32 = sum(yPred) + 0.0 * sum(yTrue)
                model M(x: f32[batch, 4]) {
                    %s
                    %s
                    %s
                }
                """.formatted(body.contains("w") ? "param w: f32[4, 3] = normal()" : "", body.contains("v") ? "param v: f32[4] = normal()" : "", body);
        CheckedProgram p = Frontend.compile("m.dlm", src);
        Value.FunV loss = (Value.FunV) p.scope().lookup("anyLoss");
        Value.ConfigV opt = (Value.ConfigV) Frontend.compile("o.dlm", "import std.optim.*\nval opt = sgd(learningRate = 0.1)").scope().lookup("opt");
        TrainGraph tg = TrainGraph.build(p, new TrainGraph.Spec(p.models().get("M").decl(), loss, List.of(), opt, DType.F32, p.ast().span()));
        return mixing(tg).map(n -> n.opName() + " " + n.span().line() + ":" + n.span().column()).orElse("");
    }

    private static Optional<Node> mixing(TrainGraph tg) {
        Graph g = Codegen.primitiveStepGraph(tg, Codegen.StepKind.PREDICT);
        Set<String> names = new HashSet<>();
        for (Node in : tg.inputs) names.add(in.name());
        Set<Node> rows = new HashSet<>();
        for (Node n : g.inputs()) if (names.contains(n.name())) rows.add(n);
        assertEquals(tg.inputs.size(), rows.size(), "the model's inputs are in the predict graph");
        assertEquals(tg.outputs.size(), g.outputs().size(), "the predict graph has the model's outputs");
        return RowDependence.firstMixing(g, rows, g.outputs().values());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "return softmax(relu(x @ w)) + sum(v)",
            "return layerNormalization(dense(x, units = 3))",
            "return sum(x * v, axis = 1)",
            "return mean(square(x), axis = -1, keepdims = true) * x * v",
            "return transpose(transpose(x)) @ w",
            "return reshape(expandDims(x, axis = 1), [-1, 4]) @ w",
            "return (x[:, ::-1] + x[:, 0:1]) @ w",
            "return concat(x, x * 2.0, axis = 1) @ concat(w, w, axis = 0)",
            "return (cumsum(x, axis = 1) - max(x, axis = 1, keepdims = true)) @ w",
            "return transpose(w) @ transpose(x)",
            "return x @ w + dense(x, units = 3)",
    })
    void rowsStayIndependent(String body) {
        assertEquals("", firstMixing(body));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "return (x - mean(x, axis = 0)) @ w               | mean 6:17",
            "return softmax(x * v, axis = 0)                  | softmax 6:12",
            "return cumsum(x * v, axis = 0)                   | cumsum 6:12",
            "return (x @ transpose(x)) @ x @ w                | matmul 6:15",
            "return reshape(x * v, [-1])                      | reshape 6:12",
            "return concat(x, x, axis = 0) @ w                | concat 6:12",
            "return x * sum(x) * v                            | sum 6:16",
            "return (transpose(x) @ x) @ w                    | matmul 6:26",
    })
    void rowMixingIsFoundAndLocated(String body, String expected) {
        assertEquals(expected, firstMixing(body));
    }

    static Stream<Path> examples() throws IOException {
        try (Stream<Path> s = Files.list(TestFiles.examples())) {
            return s.filter(p -> p.toString().endsWith(".dlm")).sorted().toList().stream();
        }
    }

    /** Every shipped model (multi_output's two inputs and two outputs too) predicts each row from its own rows (batch normalization uses its moving statistics then). */
    @ParameterizedTest
    @MethodSource("examples")
    void everyExampleHasIndependentRows(Path file) throws IOException {
        CheckedProgram p = Frontend.load(file);
        for (var config : p.trains()) {
            TrainGraph tg = TrainGraph.build(p, config);
            assertTrue(mixing(tg).isEmpty(), () -> file + ": " + mixing(tg));
        }
    }
}
