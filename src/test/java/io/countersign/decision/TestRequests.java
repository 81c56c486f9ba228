package io.countersign.decision;

/** Request bodies several API tests send. */
public final class TestRequests {
    /** A confidential production export to an approved destination: REQUIRE_APPROVAL by data-governance. */
    public static final String EXPORT = """
            {"action": "aws.s3.export",
             "resource": {"type": "s3-bucket", "id": "customer-data", "environment": "production",
                          "classification": "confidential",
                          "attributes": {"destination": "s3://corp-analytics-exports"}},
             "onBehalfOf": "alice@example.com",
             "context": {"reason": "churn analysis", "ticket": "OPS-123"}}""";

    private TestRequests() {
    }
}
