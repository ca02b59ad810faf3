package dlm.runtime.data;

/**
 * A dataset could not be found, downloaded, verified or read. Unchecked, because callers
 * (the interpreter, generated code, the command line) cannot recover locally: the command line
 * prints {@link #getMessage()} as is, so every message names the file or folder concerned and
 * says what was expected and what was found, or what the user can do about it.
 */
public class DatasetException extends RuntimeException {
    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
