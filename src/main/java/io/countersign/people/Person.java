package io.countersign.people;

import java.util.List;

import io.countersign.policy.api.Caller;

/**
 * One person in the people file.
 *
 * @param id the identity provider subject (the value of the id claim), which is who votes
 * @param email matched against the verified email a chat platform reports for a user
 * @param groups the groups the person decides for, as the identity provider would give them
 * @param slack a Slack user id that is this person whatever its email ({@code null} if none)
 * @param teams an Entra ID object id ({@code from.aadObjectId}) that is this person ({@code null} if none)
 */
public record Person(String id, String email, List<String> groups, String slack, String teams) {
    /** This person as a caller: always human, with the groups of the people file. */
    public Caller caller() {
        return new Caller(id, Caller.HUMAN, groups);
    }
}
