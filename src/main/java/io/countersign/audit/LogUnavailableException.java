package io.countersign.audit;

/** The entry could not be committed: the caller must not act on what it was about. */
public final class LogUnavailableException extends RuntimeException {
    public LogUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
