package dlm.compiler.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.ops.Op;
import dlm.compiler.ops.OpRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The ONNX table covers the op registry: every op maps, is a leaf, or says why it has no mapping — exactly one of these. */
class OnnxOpsTest {
    @Test
    void everyRegisteredOpIsMappedOrListedAsUnmappedOnce() {
        List<String> problems = new ArrayList<>();
        for (Op op : OpRegistry.all()) {
            String n = op.name();
            int places = (OnnxOps.mapping(n) != null ? 1 : 0) + (OnnxOps.whyUnmapped(n) != null ? 1 : 0) + (OnnxOps.LEAVES.contains(n) ? 1 : 0);
            if (places != 1) problems.add(n + " is in " + places + " of mapped/unmapped/leaves");
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void theTableNamesOnlyRegisteredOps() {
        Set<String> named = new TreeSet<>(OnnxOps.mapped().keySet());
        named.addAll(OnnxOps.unmapped().keySet());
        named.addAll(OnnxOps.LEAVES);
        Set<String> unknown = new TreeSet<>();
        for (String n : named) if (!OpRegistry.has(n)) unknown.add(n);
        assertEquals(Set.of(), unknown);
    }

    @Test
    void everyUnmappedOpSaysWhy() {
        OnnxOps.unmapped().forEach((op, why) -> assertFalse(why.isBlank(), op));
        assertTrue(OnnxOps.mapped().containsKey("matmul") && OnnxOps.mapped().containsKey("conv2d"));
    }

    @Test
    void opsetsOutsideTheKnownRangeAreRefused() {
        assertEquals("--opset 16 is too old: dlmc export writes opset 17 or newer (default 18)",
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> OnnxExporter.checkOpset(16)).getMessage());
        assertEquals("--opset 22 is newer than dlmc export knows: it writes opsets 17 to 21",
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> OnnxExporter.checkOpset(22)).getMessage());
        OnnxExporter.checkOpset(17);
        OnnxExporter.checkOpset(21);
    }
}
