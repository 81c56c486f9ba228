package io.countersign.approval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import io.countersign.policy.GroupMode;

/**
 * Whether the approvals so far satisfy a request. {@code ANY}: {@code quorum} distinct approvers, each a
 * member of at least one required group. {@code EACH}: every required group has {@code quorum} approvers
 * of its own, and one person fills a seat in one group only, so someone in both {@code sre} and
 * {@code security} cannot stand in for both teams (a bipartite matching of people to seats).
 */
public final class Quorum {
    /** One distinct approver and the groups they held when voting. */
    public record Approver(String key, Set<String> groups) {
    }

    private Quorum() {
    }

    public static boolean met(GroupMode mode, List<String> required, int quorum, Collection<Approver> approvers) {
        if (mode == GroupMode.ANY) {
            long eligible = approvers.stream().filter(a -> required.stream().anyMatch(a.groups()::contains)).count();
            return eligible >= quorum;
        }
        List<String> seats = new ArrayList<>();
        for (String group : required) {
            for (int i = 0; i < quorum; i++) {
                seats.add(group);
            }
        }
        List<Approver> people = List.copyOf(approvers);
        int[] seatHolder = new int[seats.size()];
        Arrays.fill(seatHolder, -1);
        int filled = 0;
        for (int person = 0; person < people.size(); person++) {
            if (seat(person, people, seats, seatHolder, new boolean[seats.size()])) {
                filled++;
            }
        }
        return filled == seats.size();
    }

    /** Kuhn's augmenting path: seats a person, moving earlier people to other seats where they fit. */
    private static boolean seat(int person, List<Approver> people, List<String> seats, int[] holder, boolean[] tried) {
        for (int s = 0; s < seats.size(); s++) {
            if (!tried[s] && people.get(person).groups().contains(seats.get(s))) {
                tried[s] = true;
                if (holder[s] < 0 || seat(holder[s], people, seats, holder, tried)) {
                    holder[s] = person;
                    return true;
                }
            }
        }
        return false;
    }
}
