package io.countersign.channel.slack;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.slack.api.model.User;

import io.countersign.people.People;
import io.countersign.people.Person;

/**
 * Who a Slack user is to Countersign: the person the people file lists with that Slack user id, else the
 * person whose email is the one Slack reports for the user, counted only when Slack says the user has
 * confirmed it. Anyone else is no one, and is told why.
 */
@ApplicationScoped
public class SlackPeople {
    /** The person, or why there is none (a sentence for the user). */
    record Resolution(Person person, String refusal) {
    }

    private final People people;
    private final SlackApi slack;

    SlackPeople(People people, SlackApi slack) {
        this.people = people;
        this.slack = slack;
    }

    Resolution resolve(String slackUserId) {
        if (slackUserId == null || slackUserId.isBlank()) {
            return refused("Slack did not say who clicked, so nothing was counted.");
        }
        Optional<Person> listed = people.bySlackUser(slackUserId);
        if (listed.isPresent()) {
            return new Resolution(listed.get(), null);
        }
        Optional<User> user = slack.user(slackUserId);
        if (user.isEmpty()) {
            return refused("Countersign could not look up your Slack profile, so your click was not counted. Try again later, "
                    + "or decide in the web inbox.");
        }
        String email = user.get().getProfile() == null ? null : user.get().getProfile().getEmail();
        if (user.get().isBot() || user.get().isDeleted()) {
            return refused("Only people decide requests: this Slack account is a bot or deactivated.");
        }
        if (email == null || email.isBlank()) {
            return refused("Your click was not counted: Slack gives Countersign no email for you, and its people file does not "
                    + "list your Slack user id " + ApprovalMessage.text(slackUserId, 30) + ". Ask an administrator to add you.");
        }
        if (!user.get().isEmailConfirmed()) {
            return refused("Your click was not counted: your Slack email " + ApprovalMessage.text(email, 200)
                    + " is not confirmed, so Countersign cannot take it as you. Confirm it in Slack, or ask an administrator "
                    + "to list your Slack user id in the people file.");
        }
        return people.byVerifiedEmail(email).map(p -> new Resolution(p, null)).orElseGet(() -> refused(
                "Your click was not counted: no one in Countersign's people file has your Slack email "
                        + ApprovalMessage.text(email, 200) + " or your Slack user id " + ApprovalMessage.text(slackUserId, 30)
                        + ". Ask an administrator to add you."));
    }

    private static Resolution refused(String why) {
        return new Resolution(null, why);
    }
}
