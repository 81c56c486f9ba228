package io.countersign.evidence;

/** Where things are in a bundle: shared by the writer and verify-bundle. */
public final class BundleLayout {
    public static final String FORMAT = "countersign-evidence-bundle/1";
    public static final String MANIFEST = "manifest.json";
    public static final String SIGNATURE = "manifest.sig";
    public static final String LOG = "log.jsonl";
    public static final String DECISIONS = "decisions.csv";
    public static final String APPROVALS = "approvals.csv";
    public static final String LINK = "chain/link.json";
    public static final String CHECKPOINTS = "chain/checkpoints.jsonl";
    public static final String POLICY_VERSIONS = "policies/versions.json";
    static final String POLICIES = "policies/";

    private BundleLayout() {
    }

    /** The folder holding one policy version's files: {@code policies/sha256-<hex>/}. */
    static String policyDir(String version) {
        return POLICIES + version.replace(':', '-') + "/";
    }
}
