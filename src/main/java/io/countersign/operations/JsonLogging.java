package io.countersign.operations;

import java.util.logging.Handler;

import jakarta.enterprise.event.Observes;
import jakarta.annotation.Priority;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.formatters.JsonFormatter;

import io.quarkus.runtime.StartupEvent;

/**
 * {@code countersign.log-format=json}: one JSON object per log line (JBoss LogManager's own formatter),
 * for log shippers. Applies from startup on; the lines Quarkus prints while booting stay plain.
 */
public class JsonLogging {
    void apply(@Observes @Priority(1) StartupEvent event,
            @ConfigProperty(name = "countersign.log-format", defaultValue = "text") String format) {
        if (!format.equalsIgnoreCase("json")) {
            return;
        }
        JsonFormatter json = new JsonFormatter();
        json.setDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        for (Handler handler : LogContext.getLogContext().getLogger("").getHandlers()) {
            apply(handler, json);
        }
    }

    private static void apply(Handler handler, JsonFormatter json) {
        handler.setFormatter(json);
        if (handler instanceof org.jboss.logmanager.ExtHandler ext) {
            for (Handler child : ext.getHandlers()) {
                apply(child, json);
            }
        }
    }
}
