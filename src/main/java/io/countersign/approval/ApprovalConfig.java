package io.countersign.approval;

import java.time.Duration;
import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The approval lifecycle: {@code countersign.approval.*}. Time to live and quorum come from the rules. */
@ConfigMapping(prefix = "countersign.approval")
public interface ApprovalConfig {
    /** How long an approved request stays usable before it expires unused. */
    @WithDefault("1h")
    Duration useWithin();

    /** How often due requests are expired (they also read as expired the moment they are due). */
    @WithDefault("5s")
    Duration expiryCheckEvery();

    /** Groups whose members may approve alone, with a mandatory reason (break-glass). */
    @WithDefault("break-glass")
    List<String> breakGlassGroups();

    /** The longest {@code waitSeconds} a caller may ask for. */
    @WithDefault("60")
    int maxWaitSeconds();

    /** The longest comment. */
    @WithDefault("2000")
    int maxComment();

    /**
     * The address people reach this service at, for links in Slack and Teams messages (the web inbox's
     * pages for a request are under {@code /inbox/approvals/{id}}).
     */
    @WithDefault("http://localhost:8080")
    String publicUrl();

    /** The web inbox page of request {@code id}. */
    default String inboxLink(String id) {
        String base = publicUrl().endsWith("/") ? publicUrl().substring(0, publicUrl().length() - 1) : publicUrl();
        return base + "/inbox/approvals/" + id;
    }
}
