package io.countersign.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class LogMaskingTest {
    @Test
    void masksAndErasesOnlyWhatIsThereAndNamesEachPath() {
        LogMasking masking = new LogMasking(List.of("resource.attributes.*", "context.reason", "context.absent"),
                List.of("context.ticket"));
        Map<String, Object> request = Map.of(
                "action", "aws.s3.export",
                "resource", Map.of("id", "b", "attributes", Map.of("owner", "alice", "region", "eu")),
                "context", Map.of("reason", "because", "ticket", "OPS-1"));
        LogMasking.Masked masked = masking.apply(request);
        assertEquals(List.of("context.reason", "resource.attributes.owner", "resource.attributes.region"), masked.masked());
        assertEquals(List.of("context.ticket"), masked.erased());
        assertEquals(Map.of("owner", "***", "region", "***"), ((Map<?, ?>) masked.request().get("resource")).get("attributes"));
        assertEquals(Map.of("reason", "***"), masked.request().get("context"));
        assertEquals("because", ((Map<?, ?>) request.get("context")).get("reason"), "the request itself is untouched");
    }
}
