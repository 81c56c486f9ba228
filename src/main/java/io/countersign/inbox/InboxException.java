package io.countersign.inbox;

/** Ends an inbox request with a page rather than problem+json: sign in first, not found, or a refused form. */
public final class InboxException extends RuntimeException {
    public enum Kind {
        /** Nobody is signed in: to the sign-in page. */
        SIGN_IN(401),
        /** A form without the session's CSRF token, or posted from another site. */
        FORGED(403),
        NOT_FOUND(404),
        /** The inbox is off: an identity provider serves the API and no inbox tenant is configured. */
        OFF(404);

        final int status;

        Kind(int status) {
            this.status = status;
        }
    }

    private final Kind kind;

    public InboxException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
