package io.countersign.channel.slack;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.context.ManagedExecutor;
import org.jboss.logging.Logger;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.slack.api.app_backend.interactive_components.payload.BlockActionPayload;
import com.slack.api.app_backend.views.payload.ViewSubmissionPayload;
import com.slack.api.app_backend.views.response.ViewSubmissionResponse;
import com.slack.api.model.view.ViewState;
import com.slack.api.util.json.GsonFactory;

import io.countersign.approval.ApprovalService;
import io.countersign.approval.ApprovalStatus;
import io.countersign.approval.ApprovalView;
import io.countersign.http.ProblemException;
import io.countersign.http.Problems;

/**
 * What a verified click in Slack does. Approve: the clicking user is resolved to a person and votes as
 * them; a refusal (not in the people file, self-approval, wrong group, no longer pending) is told to the
 * user alone. Deny: a modal asks for the comment, and its submission casts the deny vote; a refusal shows
 * in the modal. Slack wants an answer within 3 s, so a click is answered at once and handled after; a
 * submission waits for its vote (the log's group commit is fast) up to {@link #SUBMIT_WAIT_MS}.
 * Separation of duties is {@link ApprovalService}'s alone: this class only says who clicked.
 */
@ApplicationScoped
public class SlackInteractions {
    private static final Logger LOG = Logger.getLogger(SlackInteractions.class);
    static final String CHANNEL = "slack";
    private static final Gson GSON = GsonFactory.createSnakeCase();
    private static final long SUBMIT_WAIT_MS = 2500;

    private final ApprovalService approvals;
    private final SlackPeople people;
    private final SlackApi slack;
    private final ManagedExecutor executor;

    SlackInteractions(ApprovalService approvals, SlackPeople people, SlackApi slack, ManagedExecutor executor) {
        this.approvals = approvals;
        this.people = people;
        this.slack = slack;
        this.executor = executor;
    }

    /** The JSON to answer Slack with, or {@code null} for an empty 200. */
    public CompletionStage<String> handle(String payload) {
        JsonObject json;
        try {
            json = JsonParser.parseString(payload).getAsJsonObject();
        } catch (RuntimeException e) {
            throw Problems.badParameter("payload", "not a JSON object").exception();
        }
        String type = json.has("type") && json.get("type").isJsonPrimitive() ? json.get("type").getAsString() : "";
        return switch (type) {
            case "block_actions" -> clicked(GSON.fromJson(json, BlockActionPayload.class));
            case "view_submission" -> submitted(GSON.fromJson(json, ViewSubmissionPayload.class));
            default -> CompletableFuture.completedFuture(null);
        };
    }

    private CompletionStage<String> clicked(BlockActionPayload click) {
        if (click.getActions() == null || click.getUser() == null) {
            return CompletableFuture.completedFuture(null);
        }
        click.getActions().stream()
                .filter(a -> ApprovalMessage.APPROVE.equals(a.getActionId()) || ApprovalMessage.DENY.equals(a.getActionId()))
                .findFirst()
                .ifPresent(action -> executor.execute(() -> {
                    try {
                        act(click, action.getActionId(), action.getValue());
                    } catch (RuntimeException e) {
                        LOG.warnf("Slack: click %s on %s not handled: %s", action.getActionId(), action.getValue(), e.toString());
                        slack.tellUser(click.getResponseUrl(), "Countersign could not handle your click; nothing was counted.");
                    }
                }));
        return CompletableFuture.completedFuture(null);
    }

    private void act(BlockActionPayload click, String actionId, String approvalId) {
        String responseUrl = click.getResponseUrl();
        SlackPeople.Resolution who = people.resolve(click.getUser().getId());
        if (who.person() == null) {
            slack.tellUser(responseUrl, who.refusal());
            return;
        }
        if (ApprovalMessage.APPROVE.equals(actionId)) {
            safely(() -> approvals.approve(approvalId, who.person().caller(), null, false, CHANNEL)).whenComplete((view, failure) -> {
                if (failure != null) {
                    slack.tellUser(responseUrl, refusal(failure));
                }
            });
            return;
        }
        Optional<ApprovalView> view = approvals.view(approvalId, null, true);
        if (view.isEmpty()) {
            slack.tellUser(responseUrl, "There is no request " + ApprovalMessage.text(approvalId, 40) + ".");
        } else if (view.get().status() != ApprovalStatus.PENDING) {
            slack.tellUser(responseUrl, "Not counted: the request is " + view.get().status() + " already.");
        } else if (!slack.openView(click.getTriggerId(), ApprovalMessage.denyModal(view.get()))) {
            slack.tellUser(responseUrl, "Countersign could not open the deny form; nothing was counted. Try again, or deny in the web inbox.");
        }
    }

    private CompletionStage<String> submitted(ViewSubmissionPayload submission) {
        if (submission.getView() == null || !ApprovalMessage.DENY_CALLBACK.equals(submission.getView().getCallbackId())
                || submission.getUser() == null) {
            return CompletableFuture.completedFuture(null);
        }
        String approvalId = submission.getView().getPrivateMetadata();
        String comment = comment(submission.getView().getState());
        if (comment == null || comment.isBlank()) {
            return CompletableFuture.completedFuture(errors("Say why you deny this request."));
        }
        String userId = submission.getUser().getId();
        return CompletableFuture.supplyAsync(() -> people.resolve(userId), executor)
                .thenCompose(who -> who.person() == null ? CompletableFuture.completedFuture(errors(who.refusal()))
                        : safely(() -> approvals.deny(approvalId, who.person().caller(), comment, CHANNEL))
                                .handle((view, failure) -> failure == null ? null : errors(refusal(failure))))
                // Past the wait the modal closes; the vote still lands or is refused, and the message shows which.
                .completeOnTimeout(null, SUBMIT_WAIT_MS, TimeUnit.MILLISECONDS);
    }

    private static String comment(ViewState state) {
        if (state == null || state.getValues() == null) {
            return null;
        }
        Map<String, ViewState.Value> block = state.getValues().get(ApprovalMessage.COMMENT_BLOCK);
        ViewState.Value value = block == null ? null : block.get(ApprovalMessage.COMMENT_ACTION);
        return value == null ? null : value.getValue();
    }

    /** Slack's answer that keeps the modal open with {@code message} under the comment. */
    private static String errors(String message) {
        return GSON.toJson(ViewSubmissionResponse.builder().responseAction("errors")
                .errors(Map.of(ApprovalMessage.COMMENT_BLOCK, message)).build());
    }

    /** A vote that may refuse at once (bad comment) or later (separation of duties): one stage either way. */
    private static CompletableFuture<ApprovalView> safely(Supplier<CompletionStage<ApprovalView>> vote) {
        try {
            return vote.get().toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static String refusal(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof ProblemException problem) {
            return "Not counted (" + problem.problem().code() + "): " + problem.problem().detail();
        }
        LOG.warnf("Slack: a vote failed: %s", cause.toString());
        return "Your vote could not be recorded now; nothing was counted. Try again in a moment.";
    }
}
