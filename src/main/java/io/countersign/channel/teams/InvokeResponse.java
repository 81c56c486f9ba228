package io.countersign.channel.teams;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer to an {@code adaptiveCard/action} invoke, per the Universal Actions model: HTTP 200 with
 * either the card that replaces the clicked one or an error with a code and a message.
 */
public record InvokeResponse(int statusCode, String type, Object value) {
    static final String ERROR = "application/vnd.microsoft.error";

    static InvokeResponse card(Map<String, Object> card) {
        return new InvokeResponse(200, AdaptiveCards.CONTENT_TYPE, card);
    }

    static InvokeResponse badRequest(String message) {
        return error(400, "BadRequest", message);
    }

    static InvokeResponse error(int status, String code, String message) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("code", code);
        value.put("message", message);
        return new InvokeResponse(status, ERROR, value);
    }
}
