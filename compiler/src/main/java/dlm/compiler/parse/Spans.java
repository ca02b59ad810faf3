package dlm.compiler.parse;

import dlm.compiler.diag.SourceFile;
import dlm.compiler.diag.SourceSpan;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;

/**
 * Turns ANTLR token positions into {@link SourceSpan}s.
 *
 * <p>Positions are computed from the tokens' character offsets rather than from ANTLR's
 * line/column fields because ANTLR counts columns in code points while {@code Diagnostics}
 * (which draws the caret under {@code String} characters) counts UTF-16 chars; the two differ
 * after an emoji or any other supplementary character.
 */
final class Spans {
    private final SourceFile file;
    /** Char offset at which each line starts: 0, then one past every '\n'. */
    private final int[] lineStarts;
    /** Code point index → char offset; null when the text has no supplementary characters. */
    private final int[] charOffsets;
    private final int length;

    /** {@code text} is the file's text as lexed (same length and offsets as {@code file.text()}). */
    Spans(SourceFile file, String text) {
        this.file = file;
        this.length = text.length();
        int lines = 1;
        for (int i = 0; i < text.length(); i++) if (text.charAt(i) == '\n') lines++;
        lineStarts = new int[lines];
        for (int i = 0, l = 1; i < text.length(); i++) if (text.charAt(i) == '\n') lineStarts[l++] = i + 1;
        int codePoints = text.codePointCount(0, text.length());
        if (codePoints == text.length()) {
            charOffsets = null;
        } else {
            charOffsets = new int[codePoints + 1];
            for (int cp = 0, off = 0; cp < codePoints; cp++) {
                charOffsets[cp] = off;
                off += Character.charCount(text.codePointAt(off));
            }
            charOffsets[codePoints] = text.length();
        }
    }

    SourceFile file() { return file; }

    /** The span covering one token. */
    SourceSpan of(Token t) { return of(t, t); }

    /** The span from the first character of {@code first} to just past the last of {@code last}. */
    SourceSpan of(Token first, Token last) {
        int start = startOffset(first);
        int end = Math.max(start, endOffset(last));
        return span(start, end);
    }

    /** The span of a parse-tree node (a point at its start if it matched no tokens). */
    SourceSpan of(ParserRuleContext ctx) {
        if (ctx.stop == null || ctx.stop.getTokenIndex() < ctx.start.getTokenIndex()) {
            int at = startOffset(ctx.start);
            return span(at, at);
        }
        return of(ctx.start, ctx.stop);
    }

    /** A zero-width span just past the last character of {@code t}. */
    SourceSpan after(Token t) {
        int at = endOffset(t);
        return span(at, at);
    }

    /** A span from {@code from} (inclusive) to {@code to} (exclusive), both char offsets. */
    SourceSpan span(int from, int to) {
        int line = lineOf(from);
        int endLine = lineOf(to);
        return new SourceSpan(file, line + 1, from - lineStarts[line] + 1, endLine + 1, to - lineStarts[endLine] + 1);
    }

    /** The whole file. */
    SourceSpan whole() { return span(0, length); }

    /** Char offset of the token's first character (of the end of the text for EOF). */
    int startOffset(Token t) {
        if (t.getType() == Token.EOF) return length;
        return charOffset(t.getStartIndex());
    }

    /** Char offset just past the token's last character. */
    int endOffset(Token t) {
        if (t.getType() == Token.EOF) return length;
        return charOffset(t.getStopIndex() + 1);
    }

    private int charOffset(int codePointIndex) {
        int cp = Math.clamp(codePointIndex, 0, charOffsets == null ? length : charOffsets.length - 1);
        return charOffsets == null ? cp : charOffsets[cp];
    }

    /** 0-based index of the line holding char offset {@code off}. */
    private int lineOf(int off) {
        int lo = 0, hi = lineStarts.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (lineStarts[mid] <= off) lo = mid; else hi = mid - 1;
        }
        return lo;
    }
}
