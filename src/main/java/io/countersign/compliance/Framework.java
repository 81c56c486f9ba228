package io.countersign.compliance;

/** The control frameworks a rule can map to; a control id is {@code FRAMEWORK:local-id}. */
public enum Framework {
    SOC2,
    ISO27001,
    FEDRAMP
}
