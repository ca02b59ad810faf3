package dlm.compiler.cli;

/** A mistake in the command line itself (exit status 2). */
final class UsageException extends RuntimeException {
    UsageException(String message) { super(message); }
}
