package dlm.compiler.lsp;

import dlm.compiler.check.Value;
import dlm.compiler.check.Value.*;
import dlm.compiler.diag.SourceSpan;
import java.util.List;
import org.eclipse.lsp4j.Location;
import org.eclipse.lsp4j.Range;

/**
 * Go to definition: a name to the val, param, input or parameter it was declared by (the
 * declaration with the same name and value nearest before the use); a function or model to its
 * declaration, in the file or in the standard library ({@link StdSources}).
 */
final class Definitions {
    private Definitions() {}

    static Location definition(Document doc, int line, int column, StdSources std) {
        for (Document.Source src : doc.sources()) {
            int l = src.line(line);
            if (l < 0) continue;
            Analysis a = src.analysis();
            List<Fact> facts = Lookup.at(a, l, column);
            SourceSpan target = null;
            if (!facts.isEmpty()) {
                Fact f = facts.getFirst();
                if (f.isDeclaration()) target = f.span();
                else {
                    target = declarationOf(f.value());
                    String name = Lookup.usedName(f.expr());
                    if (target == null && name != null) {
                        Fact d = Lookup.declarationOf(a, f, name);
                        if (d != null) target = d.span();
                    }
                }
            } else {
                Lookup.Named n = Lookup.nameInSyntax(a, l, column);
                if (n != null) target = declarationOf(n.value());
            }
            if (target == null) continue;
            Location loc = location(doc, src, target, std);
            if (loc != null) return loc;
        }
        return null;
    }

    private static SourceSpan declarationOf(Value v) {
        return switch (v) {
            case UserFun u -> u.decl().nameSpan();
            case ModelV m -> m.decl().nameSpan();
            case LambdaFun l -> l.lambda().span();
            case null, default -> null;
        };
    }

    private static Location location(Document doc, Document.Source src, SourceSpan s, StdSources std) {
        if (src.inFile(s)) {
            Range r = src.range(s);
            return r == null ? null : new Location(doc.uri, r);
        }
        String module = StdSources.module(s.file());
        if (module == null) return null;
        String uri = std.uri(module);
        return uri == null ? null : new Location(uri, Positions.range(s));
    }
}
