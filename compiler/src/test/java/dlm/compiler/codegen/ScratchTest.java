package dlm.compiler.codegen;

import dlm.compiler.Frontend;
import dlm.compiler.TestFiles;
import dlm.compiler.train.TrainGraph;
import org.junit.jupiter.api.Test;

class ScratchTest {
    @Test
    void mnist() throws Exception {
        var p = Frontend.load(TestFiles.example("mnist.dlm"));
        var tg = TrainGraph.build(p, p.trains().get(0));
        Compilation c = Codegen.compile(tg, Codegen.StepKind.TRAIN, 4);
        System.out.println(c.disassemble());
        c.instantiate(java.util.Map.of()).run();
    }
}
