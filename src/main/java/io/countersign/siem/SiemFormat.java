package io.countersign.siem;

import java.util.Locale;

import io.countersign.http.Problems;

/** The event shapes a SIEM can ask for: OCSF 1.3.0 API Activity, or Elastic Common Schema 8.x documents. */
public enum SiemFormat {
    OCSF,
    ECS;

    /** {@code ocsf} or {@code ecs}, any case; anything else is a 400 naming {@code field}. */
    static SiemFormat parse(String field, String value) {
        String wanted = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        return switch (wanted) {
            case "ocsf" -> OCSF;
            case "ecs" -> ECS;
            default -> throw Problems.badParameter(field, "must be ocsf or ecs").exception();
        };
    }
}
