package dlm.compiler.codegen;

import dlm.compiler.ir.Node;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.util.Textifier;
import org.objectweb.asm.util.TraceMethodVisitor;

/**
 * The textual disassembly of a generated class (ASM's {@link Textifier}), annotated: a header
 * with the memory plan (each array field and the values living in it), and before each step
 * method the graph nodes it computes with their {@code .dlm} lines. Inside methods,
 * {@code LINENUMBER} entries give the .dlm line of each node's code.
 */
final class Disassembler {
    private Disassembler() {}

    static String render(Compilation comp) {
        ClassNode cn = new ClassNode();
        new ClassReader(comp.classBytes()).accept(cn, 0);
        StringBuilder sb = new StringBuilder();
        sb.append("// class ").append(cn.name.replace('/', '.')).append(" implements ").append(String.join(", ", cn.interfaces).replace('/', '.'))
                .append("  (class file version ").append(cn.version & 0xFFFF).append(")\n");
        sb.append("// source file: ").append(cn.sourceFile).append('\n');
        sb.append("// ").append(comp.plan.schedule.size()).append(" steps, ").append(comp.plan.bufs.size()).append(" arrays\n");
        long[] fp = comp.intermediateFootprint();
        sb.append("// intermediates: ").append(fp[0]).append(" elements in reused arrays (").append(fp[1]).append(" without reuse)\n\n");
        for (FieldNode f : cn.fields) {
            if (f.name.equals("task$")) { // the pool job of the parallel loops
                sb.append("  ").append(f.desc).append(' ').append(f.name).append("  // runs the parallel loops on the kernel pool\n");
                continue;
            }
            Buf b = comp.plan.bufs.get(Integer.parseInt(f.name.substring(1)));
            sb.append("  ").append(f.desc).append(' ').append(f.name).append(" [").append(b.capacity).append("]  // ");
            sb.append(String.join(", ", b.values.stream().map(Value::describe).toList())).append('\n');
        }
        sb.append('\n');
        for (MethodNode m : cn.methods) {
            Unit u = comp.gen.methods.get(m.name);
            if (u != null) {
                sb.append("  // step ").append(u.order).append(": ").append(u.kind());
                if (u instanceof Unit.Group g) sb.append(" over ").append(Arrays.toString(g.domain))
                        .append(g.loop != null ? " (loop " + Arrays.toString(g.loop.dims) + ")" : "");
                sb.append('\n');
                for (Node n : u.nodes) {
                    sb.append("  //   ").append(n.label()).append(" = ").append(n.opName())
                            .append(n.inputs().isEmpty() ? "" : n.inputs().stream().map(Node::label).toList().toString().replace('[', '(').replace(']', ')'))
                            .append(" : ").append(n.type());
                    if (!n.span().isNone()) sb.append("   ").append(ClassGen.sourceFileOf(n)).append(':').append(n.span().line());
                    sb.append('\n');
                }
                if (u instanceof Unit.Gemm g && g.aTable != null) {
                    sb.append("  //   op(A) read from u8 codes through a 256-entry table (").append(g.aTable.describe()).append(") of:\n");
                    for (Node n : g.tabulated)
                        sb.append("  //     ").append(n.label()).append(" = ").append(n.opName()).append(" : ").append(n.type())
                                .append(n.span().isNone() ? "" : "   " + ClassGen.sourceFileOf(n) + ":" + n.span().line()).append('\n');
                }
            }
            Textifier t = new Textifier();
            m.accept(new TraceMethodVisitor(t));
            StringWriter w = new StringWriter();
            sb.append("  ").append(m.name).append(m.desc).append('\n');
            t.print(new PrintWriter(w));
            sb.append(w).append('\n');
        }
        return sb.toString();
    }
}
