package io.countersign.channel.teams;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.context.ManagedExecutor;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.countersign.approval.ApprovalService;
import io.countersign.approval.ApprovalView;
import io.countersign.http.Problem;
import io.countersign.http.ProblemException;
import io.countersign.people.People;
import io.countersign.people.Person;

/**
 * Mode (b), inbound: an approver clicked Approve or Deny on a card ({@code Action.Execute}). The Teams
 * user becomes a voter only through the people file ({@code from.aadObjectId}); the vote goes through
 * {@link ApprovalService}, which alone decides whether it counts. The answer is the card as it now stands,
 * or, when the vote did not count, the same card saying why.
 */
@ApplicationScoped
public class TeamsActions {
    private static final Logger LOG = Logger.getLogger(TeamsActions.class);
    public static final String CHANNEL = "teams";

    private final People people;
    private final ApprovalService approvals;
    private final BotConversations conversations;
    private final ManagedExecutor executor;

    TeamsActions(People people, ApprovalService approvals, BotConversations conversations, ManagedExecutor executor) {
        this.people = people;
        this.approvals = approvals;
        this.conversations = conversations;
        this.executor = executor;
    }

    /** Handles an {@code adaptiveCard/action} invoke activity whose token has been verified. */
    public CompletionStage<InvokeResponse> execute(JsonNode activity) {
        JsonNode action = activity.path("value").path("action");
        if (!"Action.Execute".equals(action.path("type").asText())) {
            return done(InvokeResponse.badRequest("value.action.type: only Action.Execute is handled"));
        }
        String verb = action.path("verb").asText("");
        if (!AdaptiveCards.VERB_APPROVE.equals(verb) && !AdaptiveCards.VERB_DENY.equals(verb)) {
            return done(InvokeResponse.badRequest("value.action.verb: must be approve or deny"));
        }
        JsonNode data = action.path("data");
        JsonNode id = data.path("approvalId");
        if (!id.isTextual() || id.asText().isBlank()) {
            return done(InvokeResponse.badRequest("value.action.data.approvalId: the request id is required"));
        }
        JsonNode commentNode = data.path(AdaptiveCards.COMMENT_INPUT);
        if (!commentNode.isMissingNode() && !commentNode.isNull() && !commentNode.isTextual()) {
            return done(InvokeResponse.badRequest("value.action.data.comment: must be text"));
        }
        String approvalId = id.asText();
        String comment = commentNode.isTextual() && !commentNode.asText().isBlank() ? commentNode.asText() : null;
        String conversation = activity.path("conversation").path("id").asText(null);
        String aadObjectId = activity.path("from").path("aadObjectId").asText(null);

        Optional<Person> person = people.byTeamsObjectId(aadObjectId);
        if (person.isEmpty()) {
            String name = activity.path("from").path("name").asText("A Teams user");
            String notice = "Vote from " + name + " not counted: this Teams account (Entra object id " + aadObjectId
                    + ") is not in Countersign's people file.";
            return CompletableFuture.supplyAsync(() -> InvokeResponse.card(refusal(approvalId, person, conversation, notice)), executor);
        }
        CompletionStage<ApprovalView> vote;
        try {
            vote = AdaptiveCards.VERB_APPROVE.equals(verb)
                    ? approvals.approve(approvalId, person.get().caller(), comment, false, CHANNEL)
                    : approvals.deny(approvalId, person.get().caller(), comment, CHANNEL);
        } catch (ProblemException e) {
            vote = CompletableFuture.failedFuture(e);
        }
        return vote.handleAsync((view, failure) -> failure == null ? InvokeResponse.card(conversations.card(view, null))
                : refused(approvalId, person, conversation, failure), executor);
    }

    private InvokeResponse refused(String approvalId, Optional<Person> person, String conversation, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (!(cause instanceof ProblemException refusal)) {
            LOG.error("a Teams vote could not be handled", cause);
            return InvokeResponse.error(500, "InternalError", "the vote could not be handled; no vote was counted");
        }
        Problem problem = refusal.problem();
        if (problem.status() >= 500) {
            return InvokeResponse.error(500, "InternalError", "the vote could not be recorded now, so it was not counted: try again");
        }
        String why = "comment".equals(problem.field())
                ? "a denial needs a comment saying why. Write it in the Comment box, then select Deny again."
                : problem.detail();
        String notice = "Vote from " + person.get().id() + " not counted: " + why;
        return InvokeResponse.card(refusal(approvalId, person, conversation, notice));
    }

    /**
     * The card to answer a vote that did not count: the request with {@code notice} on top when the person
     * may see it or the card was posted in this conversation anyway; otherwise the notice alone.
     */
    private Map<String, Object> refusal(String approvalId, Optional<Person> person, String conversation, String notice) {
        Optional<ApprovalView> view = person.flatMap(p -> approvals.view(approvalId, p.caller(), false));
        if (view.isEmpty() && BotConversations.postedIn(approvalId, conversation)) {
            view = approvals.view(approvalId, BotConversations.READER, true);
        }
        return view.map(v -> conversations.card(v, notice)).orElseGet(() -> AdaptiveCards.notice(notice));
    }

    private static CompletionStage<InvokeResponse> done(InvokeResponse response) {
        return CompletableFuture.completedFuture(response);
    }
}
