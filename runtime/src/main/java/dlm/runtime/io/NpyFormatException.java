package dlm.runtime.io;

import java.io.IOException;

/**
 * A {@code .npy} or {@code .npz} file that cannot be read: bad magic, an unparsable or
 * unsupported header, truncated data, a corrupt zip entry. The message starts with the name
 * of the file (and entry) so that it can be shown to a user as it is.
 */
public class NpyFormatException extends IOException {
    public NpyFormatException(String message) { super(message); }

    public NpyFormatException(String message, Throwable cause) { super(message, cause); }
}
