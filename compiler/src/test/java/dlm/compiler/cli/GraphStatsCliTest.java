package dlm.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.TestFiles;
import org.junit.jupiter.api.Test;

/** {@code dlmc graph FILE --stats}: the passes' table and, for a trained model, the fusion rules' counts. */
class GraphStatsCliTest {
    @Test
    void listsEveryFusionRuleWithItsCountOnTheMnistTrainStep() {
        CliRunner r = CliRunner.run("graph", TestFiles.example("mnist.dlm").toString(), "--stats");
        assertEquals(0, r.status(), r.err());
        String out = r.out();
        assertTrue(out.contains("passes on Mnist:\n"), out);
        assertTrue(out.contains("""
                fusion rules on the train step of Mnist (batch 128):
                rule               fired  what
                conv-epilogue          0  a convolution's bias add and relu run in its GEMM epilogue
                maxpool-relu-mask      0  where(x > 0, maxPool2dBackprop(x, dy), 0): a window's gradient goes only to a winner above 0
                conv-maxpool           0  a first layer's conv2d and maxPool2d in one kernel; its kernel gradient from the pooling's winners
                gemm-bias-relu         3  a product's bias add and relu run in its epilogue
                gemm-relu-mask         1  where(y > 0, product, 0) masks the product as it is computed
                gemm-u8-table          2  a product reads an element-wise function of u8 codes through a 256-entry table
                graph Mnist (15 nodes)
                """), out);
    }

    @Test
    void aFileWithoutATrainBlockHasNoRuleTable() {
        CliRunner r = CliRunner.run("graph", TestFiles.example("figure_2_22.dlm").toString(), "--stats");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("passes on "), r.out());
        assertFalse(r.out().contains("fusion rules"), r.out());
    }
}
