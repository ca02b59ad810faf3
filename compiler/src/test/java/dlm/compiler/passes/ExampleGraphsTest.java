package dlm.compiler.passes;

import static dlm.compiler.passes.PassTestSupport.assertProvenance;
import static dlm.compiler.passes.PassTestSupport.assertSameValues;
import static dlm.compiler.passes.PassTestSupport.assertWellFormed;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.Frontend;
import dlm.compiler.TestFiles;
import dlm.compiler.check.CheckedModel;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.check.PrintAction;
import dlm.compiler.check.Value;
import dlm.compiler.ir.Graph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every graph of every example keeps its values, spans, names, inputs and params through the standard pipeline. */
class ExampleGraphsTest {

    static List<Path> examples() throws Exception {
        try (Stream<Path> files = Files.list(TestFiles.examples())) {
            return files.filter(f -> f.toString().endsWith(".dlm")).sorted().toList();
        }
    }

    @TestFactory
    List<DynamicTest> examplesKeepTheirValues() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        List<Path> files = examples();
        assertFalse(files.isEmpty(), "no examples under " + TestFiles.examples());
        for (Path f : files) {
            CheckedProgram p = Frontend.load(f);
            for (CheckedModel m : p.models().values())
                tests.add(DynamicTest.dynamicTest(f.getFileName() + " " + m.name(), () -> check(m.graph())));
            if (!p.prints().isEmpty())
                tests.add(DynamicTest.dynamicTest(f.getFileName() + " script", () -> check(scriptWithPrintedOutputs(p))));
        }
        assertTrue(tests.size() >= files.size());
        return tests;
    }

    private static void check(Graph g) {
        PipelineResult r = PassPipeline.standard().run(g);
        assertFalse(g.outputs().isEmpty());
        assertTrue(r.converged(), r::render);
        assertTrue(r.graph().size() <= g.size());
        assertWellFormed(r.graph());
        assertProvenance(g, r);
        assertSameValues(g, r.graph(), 2, false);
    }

    /** A script's graph has no outputs: its printed tensors become outputs {@code p0}, {@code p1}, … of a copy. */
    private static Graph scriptWithPrintedOutputs(CheckedProgram p) {
        PassResult copy = Rewriter.copyOf(p.script());
        int i = 0;
        for (PrintAction a : p.prints())
            for (Value v : a.items())
                if (v instanceof Value.TensorV t) copy.graph().setOutput("p" + i++, copy.mapping().get(t.node()));
        return copy.graph();
    }
}
