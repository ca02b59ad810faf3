package dlm.compiler.lsp;

import dlm.compiler.diag.SourceSpan;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.lsp4j.Range;

/**
 * An open file: its text, the analysis of that text and the last analysis without errors.
 * Features ask the {@link #sources()} in order: the current analysis first (all of it when the
 * text checks, the models checked before an error otherwise), then the last clean one for the
 * lines that have not changed since.
 */
final class Document {
    final String uri;
    final String text;
    final Analysis current;
    final Analysis lastClean;

    Document(String uri, String text, Analysis current, Analysis lastClean) {
        this.uri = uri;
        this.text = text;
        this.current = current;
        this.lastClean = lastClean;
    }

    /** An analysis with the map from the current text's lines to the lines it analysed. */
    record Source(Analysis analysis, LineMap map) {
        /** The analysed line shown at the current line, or -1. */
        int line(int currentLine) { return map.toOld(currentLine); }

        /** Whether a span of the analysed text is in this (or another) file. */
        boolean inFile(SourceSpan s) { return s.file() == analysis.source; }

        /** The current range of a span of the analysed file, or null when its lines changed. */
        Range range(SourceSpan s) {
            if (!inFile(s)) return Positions.range(s);
            int l = map.toNew(s.line()), e = map.toNew(s.endLine());
            if (l < 0 || e < 0) return null;
            return Positions.range(new SourceSpan(s.file(), l, s.column(), e, s.endColumn()));
        }
    }

    List<Source> sources() {
        List<Source> out = new ArrayList<>();
        out.add(new Source(current, LineMap.identity(text)));
        for (Analysis r = current.recovery; r != null; r = r.recovery) out.add(new Source(r, LineMap.between(r.text, text)));
        if (lastClean != null && lastClean != current) out.add(new Source(lastClean, LineMap.between(lastClean.text, text)));
        return out;
    }
}
