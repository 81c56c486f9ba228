-- Web inbox. A sign-in link is used once: its jti is the primary key here, so a second use fails even
-- on another instance. A signed-out session's cookie is refused until it would have expired anyway.
-- Rows are deleted once past expires_at.
CREATE TABLE inbox_sign_in (
    jti        VARCHAR(200) NOT NULL PRIMARY KEY,
    subject    VARCHAR(256) NOT NULL,
    used_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX inbox_sign_in_expiry ON inbox_sign_in (expires_at);

CREATE TABLE inbox_sign_out (
    session_id VARCHAR(64)  NOT NULL PRIMARY KEY,
    ended_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX inbox_sign_out_expiry ON inbox_sign_out (expires_at);
