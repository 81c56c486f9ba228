package io.countersign.policy;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in rules and settings: {@code 30m}, {@code 4h}, {@code 2d} or ISO-8601 {@code PT4H}. */
public final class DurationText {
    private static final Pattern SHORT = Pattern.compile("(\\d{1,6})([smhd])");

    private DurationText() {
    }

    /** @throws IllegalArgumentException naming the text when it is not a duration */
    public static Duration parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("a duration is required (e.g. 30m, 4h, 2d)");
        }
        Matcher m = SHORT.matcher(text.trim());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. 30m, 4h, 2d, PT4H)");
        }
    }

    /** The shortest of {@code 30m}, {@code 4h}, {@code 2d} forms that states the duration exactly. */
    public static String format(Duration duration) {
        long seconds = duration.getSeconds();
        if (seconds % 86_400 == 0) {
            return seconds / 86_400 + "d";
        }
        if (seconds % 3_600 == 0) {
            return seconds / 3_600 + "h";
        }
        if (seconds % 60 == 0) {
            return seconds / 60 + "m";
        }
        return seconds + "s";
    }
}
