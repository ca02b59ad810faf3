package dlm.compiler.codegen;

import dlm.compiler.Frontend;
import dlm.compiler.TestFiles;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.train.TrainGraph;
import org.junit.jupiter.api.Test;

class PlanShapeTest {
    @Test
    void print() throws Exception {
        CheckedProgram p = Frontend.load(TestFiles.example("mnist.dlm"));
        TrainGraph tg = TrainGraph.build(p, p.trains().get(0));
        Compilation c = Codegen.compile(tg, Codegen.StepKind.TRAIN, 128);
        String d = c.disassemble();
        for (String line : d.split("\n"))  System.out.println(line);
    }
}
