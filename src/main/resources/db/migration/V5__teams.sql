-- Teams cards the bot posted: one row per request and conversation, so the outcome is replied in that
-- conversation and the card updated. Dropping a row only stops those follow-ups; nothing else reads it.
CREATE TABLE teams_message (
    id              VARCHAR(36)   NOT NULL PRIMARY KEY,
    approval_id     VARCHAR(36)   NOT NULL,
    conversation_id VARCHAR(1024) NOT NULL,
    activity_id     VARCHAR(256)  NOT NULL,
    posted_at       TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE UNIQUE INDEX teams_message_once ON teams_message (approval_id, conversation_id);
