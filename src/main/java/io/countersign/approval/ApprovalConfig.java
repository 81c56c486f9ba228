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
}
