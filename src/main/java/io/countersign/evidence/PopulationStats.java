package io.countersign.evidence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The figures of a population, in memory that does not grow with it (samples and histograms are bounded). */
final class PopulationStats {
    static final int SAMPLES = 100;

    long entries;
    long decisions;
    long policyEvents;
    long approvalEvents;
    long votes;
    long approvalRequestsOpened;
    long approvalRequestsClosed;
    long selfApprovals;
    long usedBeforeApproval;
    long expired;
    long breakGlass;
    String firstRecordedAt;
    String lastRecordedAt;
    final Map<String, Long> outcomes = new TreeMap<>();
    final Map<String, Long> requestStatuses = new TreeMap<>();
    final Map<String, Long> approvalsByGroup = new TreeMap<>();
    final Map<String, Long> decisionsByControl = new TreeMap<>();
    final Map<String, Long> requestsByControl = new TreeMap<>();
    final TreeMap<String, Long> policyVersions = new TreeMap<>();
    final List<String> expiredSample = new ArrayList<>();
    final List<String> breakGlassSample = new ArrayList<>();
    final Durations timeToApprove = new Durations();

    void entry(String kind, String recordedAt) {
        entries++;
        if ("approval".equals(kind)) {
            approvalEvents++;
        }
        if (firstRecordedAt == null) {
            firstRecordedAt = recordedAt;
        }
        lastRecordedAt = recordedAt;
    }

    void decision(String outcome, String policyVersion, Collection<String> controls) {
        decisions++;
        outcomes.merge(String.valueOf(outcome), 1L, Long::sum);
        if (policyVersion != null) {
            policyVersions.merge(policyVersion, 1L, Long::sum);
        }
        controls.forEach(c -> decisionsByControl.merge(c, 1L, Long::sum));
    }

    void approved(List<String> groups, Duration took) {
        groups.forEach(g -> approvalsByGroup.merge(g, 1L, Long::sum));
        if (took != null) {
            timeToApprove.add(took);
        }
    }

    void request(String status, List<String> controls) {
        approvalRequestsClosed++;
        requestStatuses.merge(String.valueOf(status), 1L, Long::sum);
        controls.forEach(c -> requestsByControl.merge(c, 1L, Long::sum));
    }

    void expired(String approvalId) {
        expired++;
        if (expiredSample.size() < SAMPLES) {
            expiredSample.add(approvalId);
        }
    }

    void breakGlass(String approvalId) {
        breakGlass++;
        if (breakGlassSample.size() < SAMPLES) {
            breakGlassSample.add(approvalId);
        }
    }

    /**
     * Durations in whole seconds: exact up to two days, to the minute up to 120 days, beyond that counted
     * as "longer"; enough for a median and a 95th percentile of time to approve.
     */
    static final class Durations {
        private static final int SECONDS = 2 * 86_400;
        private static final int MINUTES = 120 * 1_440;
        private int[] seconds;
        private int[] minutes;
        private long longer;
        private long count;

        void add(Duration d) {
            long s = Math.max(0, d.toSeconds());
            count++;
            if (s < SECONDS) {
                if (seconds == null) {
                    seconds = new int[SECONDS];
                }
                seconds[(int) s]++;
            } else if (s / 60 < MINUTES) {
                if (minutes == null) {
                    minutes = new int[MINUTES];
                }
                minutes[(int) (s / 60)]++;
            } else {
                longer++;
            }
        }

        long count() {
            return count;
        }

        /** The {@code q} quantile in seconds (nearest rank), or -1 with no durations; -2 when beyond 120 days. */
        long quantile(double q) {
            if (count == 0) {
                return -1;
            }
            long rank = Math.max(1, (long) Math.ceil(q * count));
            long seen = 0;
            if (seconds != null) {
                for (int i = 0; i < seconds.length; i++) {
                    seen += seconds[i];
                    if (seen >= rank) {
                        return i;
                    }
                }
            }
            if (minutes != null) {
                for (int i = 0; i < minutes.length; i++) {
                    seen += minutes[i];
                    if (seen >= rank) {
                        return i * 60L;
                    }
                }
            }
            return -2;
        }
    }
}
