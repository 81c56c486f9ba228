package io.countersign.policy.api;

/** What the action would apply: a Terraform plan, a diff, a query. Shown to reviewers and bound by digest. */
public final class Artifact {
    private final String type;
    private final String digest;
    private final String summary;
    private final String link;

    public Artifact(String type, String digest, String summary, String link) {
        this.type = type;
        this.digest = digest;
        this.summary = summary;
        this.link = link;
    }

    public String getType() {
        return type;
    }

    public String getDigest() {
        return digest;
    }

    public String getSummary() {
        return summary;
    }

    public String getLink() {
        return link;
    }
}
