package dlm.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.Frontend;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.diag.DlmException;
import dlm.compiler.ir.Graph;
import dlm.runtime.DType;
import dlm.runtime.Tensor;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Failures in generated code point at the model source: the class's SourceFile is the .dlm file
 * and each node's code carries its line, so a stack trace has a frame {@code (model.dlm:LINE)}.
 */
class StackTraceTest {
    static final String SRC = """
            model Ratio(a: i32[n], b: i32[n]) {
                val s = a + b
                val q = s / b
                return q * 2
            }
            """;

    private static Graph graph() {
        CheckedProgram p = Frontend.compile("ratio.dlm", SRC);
        return p.models().get("Ratio").graph();
    }

    private static RuntimeException divideByZero(boolean hidden) {
        Compilation c = Codegen.compile(graph(), Map.of("a", new int[] {4}, "b", new int[] {4}), Map.of(), "Ratio",
                Codegen.Options.defaults().withHidden(hidden));
        Tensor a = Tensor.of(DType.I32, new int[] {4}, 1, 2, 3, 4), b = Tensor.of(DType.I32, new int[] {4}, 1, 1, 0, 1);
        CompiledGraph g = c.instantiate(Map.of("a", a, "b", b));
        // the generated object itself, as a caller of CompiledStep would run it
        return assertThrows(ArithmeticException.class, () -> g.step().run());
    }

    private static StackTraceElement dlmFrame(Throwable t) {
        return Arrays.stream(t.getStackTrace()).filter(f -> "ratio.dlm".equals(f.getFileName())).findFirst().orElse(null);
    }

    @Test
    void anIntegerDivisionByZeroInAHiddenClassNamesTheDlmFileAndLine() {
        RuntimeException e = divideByZero(true);
        StackTraceElement f = dlmFrame(e);
        assertNotNull(f, () -> "no ratio.dlm frame in " + Arrays.toString(e.getStackTrace()));
        assertEquals(3, f.getLineNumber(), "the division is on line 3");
        assertTrue(f.getClassName().startsWith("dlm.runtime.exec.Ratio"), f.getClassName());
        // HotSpot omits hidden-class frames; the handler put the generated method's frame where it
        // would have been: on top, since the idiv itself threw
        assertEquals(f, e.getStackTrace()[0]);
        assertTrue(e.getStackTrace()[1].getClassName().startsWith(StackTraceTest.class.getName()), e.getStackTrace()[1].toString());
    }

    @Test
    void anOrdinaryClassGetsTheSameFrameFromItsLineNumberTable() {
        RuntimeException e = divideByZero(false);
        StackTraceElement f = dlmFrame(e);
        assertNotNull(f, () -> "no ratio.dlm frame in " + Arrays.toString(e.getStackTrace()));
        assertEquals(3, f.getLineNumber());
        // the JVM's own frame: the exception was thrown right there (the first frame)
        assertEquals("ratio.dlm", e.getStackTrace()[0].getFileName());
    }

    @Test
    void compiledGraphsReportTheFailureAtTheNode() {
        Compilation c = Codegen.compile(graph(), Map.of("a", new int[] {2}, "b", new int[] {2}));
        CompiledGraph g = c.instantiate(Map.of("a", Tensor.of(DType.I32, new int[] {2}, 1, 2), "b", Tensor.of(DType.I32, new int[] {2}, 0, 1)));
        DlmException e = assertThrows(DlmException.class, g::run);
        assertEquals("integer division by zero", e.getMessage());
        assertEquals(3, e.span().line());
        assertTrue(e.getCause() instanceof ArithmeticException);
        assertNotNull(dlmFrame(e.getCause()));
    }
}
