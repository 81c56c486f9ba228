package io.countersign.siem;

import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.countersign.audit.LogReader;
import io.countersign.audit.LogReader.StoredEntry;

/** Log entries after a sequence as SIEM events, for the pull endpoint and the pusher alike. */
@ApplicationScoped
public class SiemFeed {
    static final int DEFAULT_LIMIT = 1_000;
    static final int MAX_LIMIT = 10_000;

    /**
     * One page: the events as JSON Lines (each line ends with a newline), where to continue, and the head.
     * {@code next} is the last sequence in the page, or {@code afterSequence} when there was nothing new.
     */
    public record Page(byte[] lines, long next, long headSequence) {
    }

    private final LogReader reader;

    SiemFeed(LogReader reader) {
        this.reader = reader;
    }

    public Page page(long afterSequence, int limit, SiemFormat format) {
        LogReader.Head head = reader.head();
        List<StoredEntry> entries = reader.page(afterSequence, head.sequence(), limit);
        StringBuilder out = new StringBuilder(entries.size() * 1_500);
        for (StoredEntry entry : entries) {
            out.append(line(entry, format)).append('\n');
        }
        long next = entries.isEmpty() ? afterSequence : entries.get(entries.size() - 1).sequence();
        return new Page(out.toString().getBytes(StandardCharsets.UTF_8), next, head.sequence());
    }

    static ObjectNode event(StoredEntry entry, SiemFormat format) {
        LoggedEvent e = LoggedEvent.of(entry);
        return format == SiemFormat.OCSF ? OcsfEvents.of(e) : EcsDocuments.of(e);
    }

    static String line(StoredEntry entry, SiemFormat format) {
        try {
            return LoggedEvent.JSON.writeValueAsString(event(entry, format));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the event of entry " + entry.sequence(), e);
        }
    }
}
