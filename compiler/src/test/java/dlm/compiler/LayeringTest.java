package dlm.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlm.compiler.check.CheckedProgram;
import dlm.compiler.codegen.Codegen;
import dlm.compiler.codegen.Compilation;
import dlm.compiler.ops.Op;
import dlm.compiler.train.TrainGraph;
import dlm.runtime.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.StringEntry;
import java.lang.classfile.constantpool.Utf8Entry;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The layer order, checked on compiled classes (every class a class file's constant pool names,
 * in class entries and in descriptors and signatures, so fully qualified uses count as much as
 * imports) and on the imports of the sources:
 * <ul>
 *   <li>the runtime never references the compiler;</li>
 *   <li>{@code dlm.compiler.ops} and {@code dlm.compiler.ir} reference nothing of the code
 *       generator, the CLI, training or the ONNX exporter, nor ASM or protobuf;</li>
 *   <li>a generated step class references only {@code dlm.runtime} and {@code java.*}.</li>
 * </ul>
 */
class LayeringTest {
    private static final Pattern DESCRIPTOR_CLASS = Pattern.compile("L([\\w$]+(?:/[\\w$]+)+)[;<]");

    /** The classes (internal names) that a class file references, itself excluded. */
    static Set<String> referencedClasses(byte[] bytes) {
        ClassModel cm = ClassFile.of().parse(bytes);
        Set<Utf8Entry> literals = new HashSet<>();
        for (PoolEntry e : cm.constantPool()) if (e instanceof StringEntry s) literals.add(s.utf8());
        Set<String> out = new TreeSet<>();
        for (PoolEntry e : cm.constantPool()) {
            if (e instanceof ClassEntry c) {
                String n = c.asInternalName();
                if (n.startsWith("[")) addDescriptor(out, n);
                else out.add(n);
            } else if (e instanceof Utf8Entry u && !literals.contains(u)) {
                addDescriptor(out, u.stringValue());
            }
        }
        out.remove(cm.thisClass().asInternalName());
        return out;
    }

    private static void addDescriptor(Set<String> out, String s) {
        Matcher m = DESCRIPTOR_CLASS.matcher(s);
        while (m.find()) out.add(m.group(1));
    }

    /** Every class file under {@code packagePath} (e.g. {@code dlm/runtime}) of the classpath root holding {@code anchor}. */
    static Map<String, byte[]> classFiles(Class<?> anchor, String packagePath) {
        try {
            Path root = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
            Map<String, byte[]> out = new LinkedHashMap<>();
            if (Files.isDirectory(root)) {
                collect(root.resolve(packagePath), out);
            } else {
                try (FileSystem jar = FileSystems.newFileSystem(root)) {
                    collect(jar.getPath(packagePath), out);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void collect(Path dir, Map<String, byte[]> out) throws IOException {
        if (!Files.isDirectory(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".class")).sorted().toList()) out.put(p.toString(), Files.readAllBytes(p));
        }
    }

    /** "class → forbidden class" for every reference that {@code forbidden} matches. */
    static List<String> violations(Map<String, byte[]> classes, Predicate<String> forbidden) {
        List<String> out = new ArrayList<>();
        for (var e : classes.entrySet())
            for (String ref : referencedClasses(e.getValue())) if (forbidden.test(ref)) out.add(e.getKey() + " → " + ref);
        return out;
    }

    private static final Predicate<String> ABOVE_OPS_AND_IR = ref -> ref.startsWith("dlm/compiler/codegen/")
            || ref.startsWith("dlm/compiler/cli/") || ref.startsWith("dlm/compiler/train/") || ref.startsWith("org/objectweb/asm/")
            || ref.startsWith("dlm/compiler/onnx/") || ref.startsWith("ai/onnx/") || ref.startsWith("com/google/protobuf/");

    @Test
    void theRuntimeNeverReferencesTheCompiler() {
        Map<String, byte[]> runtime = classFiles(Tensor.class, "dlm/runtime");
        assertTrue(runtime.size() > 30, "found the runtime's classes: " + runtime.size());
        assertEquals(List.of(), violations(runtime, ref -> ref.startsWith("dlm/compiler/")));
    }

    @Test
    void opsAndIrKnowNothingOfCodegenCliTrainOrAsm() {
        Map<String, byte[]> classes = classFiles(Op.class, "dlm/compiler/ops");
        classes.putAll(classFiles(Op.class, "dlm/compiler/ir"));
        assertTrue(classes.size() > 30, "found the ops' and IR's classes: " + classes.size());
        assertEquals(List.of(), violations(classes, ABOVE_OPS_AND_IR));
    }

    /** Imports are checked too: an import used only by a comment leaves no trace in the class file. */
    @Test
    void theSourcesImportInLayerOrder() throws IOException {
        Path compiler = Path.of("src/main/java/dlm/compiler"), runtime = Path.of("../runtime/src/main/java/dlm/runtime");
        assertTrue(Files.isDirectory(compiler) && Files.isDirectory(runtime), "run from the compiler module's directory");
        List<String> bad = new ArrayList<>();
        badImports(runtime, "import (static )?dlm\\.compiler\\..*", bad);
        String above = "import (static )?(dlm\\.compiler\\.(codegen|cli|train|onnx)|org\\.objectweb\\.asm|ai\\.onnx|com\\.google\\.protobuf)\\..*";
        badImports(compiler.resolve("ops"), above, bad);
        badImports(compiler.resolve("ir"), above, bad);
        assertEquals(List.of(), bad);
    }

    private static void badImports(Path dir, String regex, List<String> bad) throws IOException {
        Pattern p = Pattern.compile(regex);
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : s.filter(x -> x.toString().endsWith(".java")).sorted().toList())
                for (String line : Files.readAllLines(f)) if (p.matcher(line.strip()).matches()) bad.add(f + ": " + line.strip());
        }
    }

    @ParameterizedTest
    @EnumSource(Codegen.StepKind.class)
    void generatedStepsCallOnlyTheRuntimeAndJava(Codegen.StepKind kind) throws Exception {
        CheckedProgram p = Frontend.load(TestFiles.example("mnist.dlm"));
        Compilation c = Codegen.compile(TrainGraph.build(p, p.trains().get(0)), kind, 128);
        Set<String> refs = referencedClasses(c.classBytes());
        assertTrue(refs.contains("dlm/runtime/kernels/ParallelLoops$Parts"), "the scan sees the runtime: " + refs);
        List<String> bad = refs.stream().filter(r -> !r.startsWith("dlm/runtime/") && !r.startsWith("java/")).toList();
        assertEquals(List.of(), bad, kind + " step " + c.className());
    }

    /** The scan finds references where they are: the code generator's uses of ASM, in classes and descriptors. */
    @Test
    void theScanSeesReferences() throws IOException {
        Set<String> refs;
        try (InputStream in = Codegen.class.getResourceAsStream("ClassGen.class")) {
            refs = referencedClasses(in.readAllBytes());
        }
        assertTrue(refs.contains("org/objectweb/asm/tree/MethodNode"), refs.toString());
        assertTrue(refs.contains("dlm/runtime/exec/Blas"), refs.toString());
        assertFalse(refs.contains("dlm/compiler/codegen/ClassGen"), "itself excluded");
        Map<String, byte[]> codegen = classFiles(Op.class, "dlm/compiler/codegen");
        assertFalse(violations(codegen, ABOVE_OPS_AND_IR).isEmpty(), "codegen, which is above ops, would violate the ops' rule");
    }
}
