package dlm.compiler.data;

import dlm.compiler.diag.Diagnostics;
import dlm.compiler.diag.DlmException;
import dlm.compiler.diag.SourceSpan;

/** An error with a second place, rendered after it as a note (a mismatch between the data and the model: both sides). */
public final class NotedException extends DlmException {
    private final SourceSpan noteAt;
    private final String note;

    public NotedException(SourceSpan at, String message, SourceSpan noteAt, String note) {
        super(at, message);
        this.noteAt = noteAt;
        this.note = note;
    }

    /** The second place, and what the note there says. */
    public SourceSpan noteAt() { return noteAt; }

    public String note() { return note; }

    @Override
    public String render() { return super.render() + "\n" + Diagnostics.render(noteAt, "note", note); }
}
