package dlm.compiler.check;

import dlm.compiler.diag.SourceSpan;
import java.util.List;

/** A {@code println(...)} in a script: the values to print, in order, separated by spaces. */
public record PrintAction(List<Value> items, boolean newline, SourceSpan span) {}
