package dlm.compiler.lsp;

import dlm.compiler.ast.Ast;
import dlm.compiler.check.CheckedProgram;
import dlm.compiler.check.Checker;
import dlm.compiler.check.ElaborationObserver;
import dlm.compiler.check.ModuleLoader;
import dlm.compiler.check.Value;
import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceFile;
import dlm.compiler.diag.SourceSpan;
import dlm.compiler.parse.Parser;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One version of an edited file, run through the compiler's own front end (the parser and a
 * {@link Checker#recovering recovering} checker): its errors, warnings, AST, checked program
 * and the {@link Fact}s the checker reported while elaborating it. Whatever the text, making
 * one never throws: an internal error of the compiler becomes an error at the file's start.
 */
final class Analysis {
    /** A rendered warning: {@code name:line:col: warning: message}, then the line and a caret. */
    private static final Pattern WARNING = Pattern.compile("^(.*):(\\d+):(\\d+): warning: (.*)$");

    record Warning(int line, int column, String message) {}

    /** The document's URI, and its text. */
    final String uri;
    final String text;
    final SourceFile source;
    /** Null when the text does not parse. */
    final Ast.Program ast;
    /** Null when the check stopped before any model (in the imports or the file's declarations). */
    final CheckedProgram program;
    /** In the order found; the first is the one {@code dlmc check} prints. */
    final List<DlmException> errors;
    final List<Warning> warnings;
    /** Compiler failures (bugs) met on this text, as messages; also reported as errors. */
    final List<String> internalErrors;
    final List<Fact> facts;
    /**
     * When the text does not parse: an analysis of the same text with the line of the syntax
     * error blanked (and so on, {@link #RECOVERY_DEPTH} lines at most), for hovers and
     * completion on the valid parts; its own errors are never reported. Otherwise null.
     */
    final Analysis recovery;
    final long nanos;

    static final int RECOVERY_DEPTH = 3;

    private Analysis(String uri, String text, SourceFile source, Ast.Program ast, CheckedProgram program, List<DlmException> errors,
                     List<Warning> warnings, List<String> internalErrors, List<Fact> facts, Analysis recovery, long nanos) {
        this.uri = uri;
        this.text = text;
        this.source = source;
        this.ast = ast;
        this.program = program;
        this.errors = errors;
        this.warnings = warnings;
        this.internalErrors = internalErrors;
        this.facts = facts;
        this.recovery = recovery;
        this.nanos = nanos;
    }

    /** Analyses {@code text} of the document {@code uri}, named {@code name} in messages; std modules come from (and are cached in) {@code loader}. */
    static Analysis of(String uri, String name, String text, ModuleLoader loader) { return of(uri, name, text, loader, RECOVERY_DEPTH); }

    private static Analysis of(String uri, String name, String text, ModuleLoader loader, int recoveries) {
        long t0 = System.nanoTime();
        SourceFile src = SourceFile.of(name, text);
        List<DlmException> errors = new ArrayList<>();
        List<String> internal = new ArrayList<>();
        List<Fact> facts = new ArrayList<>();
        Ast.Program ast = null;
        CheckedProgram program = null;
        try {
            ast = Parser.parse(src);
        } catch (DlmException e) {
            errors.add(e);
        } catch (RuntimeException | StackOverflowError e) {
            internal.add(describe(e));
        }
        if (ast != null) {
            Ast.Program parsed = ast;
            ElaborationObserver observer = new ElaborationObserver() {
                public void expression(Ast.Expr e, Value v) {
                    if (e.span().file() == src && v != null) facts.add(new Fact(e.span(), null, v, e));
                }

                public void declared(SourceSpan at, String n, Value v) {
                    if (at.file() == src && v != null) facts.add(new Fact(at, n, v, null));
                }
            };
            try {
                program = ElaborationObserver.observing(observer, () -> new Checker(loader).recovering(errors).check(parsed));
            } catch (DlmException e) {
                errors.add(e);
            } catch (RuntimeException | StackOverflowError e) {
                internal.add(describe(e));
            }
        }
        List<Warning> warnings = new ArrayList<>();
        for (String w : src.warnings()) {
            Matcher m = WARNING.matcher(w.lines().findFirst().orElse(""));
            if (m.matches()) warnings.add(new Warning(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), m.group(4)));
        }
        Analysis recovery = null;
        if (ast == null && recoveries > 0 && !errors.isEmpty() && errors.getFirst().span() != null && !errors.getFirst().span().isNone()) {
            String blanked = blankLine(text, brokenLine(src, errors.getFirst().span()));
            if (!blanked.equals(text)) recovery = of(uri, name, blanked, loader, recoveries - 1);
        }
        return new Analysis(uri, text, src, ast, program, List.copyOf(errors), warnings, internal, facts, recovery, System.nanoTime() - t0);
    }

    /**
     * The line to blank for a syntax error at {@code at}: its own line, or, when the error is at
     * the first token of its line ({@code missing ')' at '}'}), the line above that is not blank,
     * which most often is the unfinished one.
     */
    private static int brokenLine(SourceFile src, SourceSpan at) {
        int line = at.line();
        String before = src.line(line).substring(0, Math.min(src.line(line).length(), Math.max(0, at.column() - 1)));
        if (!before.isBlank()) return line;
        for (int l = line - 1; l >= 1; l--) if (!src.line(l).isBlank()) return l;
        return line;
    }

    /** The text with line {@code line} (1-based) emptied, every line break kept. */
    static String blankLine(String text, int line) {
        int from = Completions.offset(text, line, 1);
        int to = Completions.offset(text, line, Integer.MAX_VALUE);
        return text.substring(0, from) + text.substring(to);
    }

    private static String describe(Throwable e) {
        return "internal error in dlmc: " + e + (e.getStackTrace().length > 0 ? " at " + e.getStackTrace()[0] : "");
    }

    /** No errors at all: this analysis may stand in for later, broken versions of the text. */
    boolean isClean() { return errors.isEmpty() && internalErrors.isEmpty() && ast != null && program != null; }
}
