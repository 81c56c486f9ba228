package io.countersign.inbox;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.countersign.approval.ApprovalService;
import io.countersign.approval.ApprovalStatus;
import io.countersign.approval.ApprovalView;
import io.countersign.http.Problem;
import io.countersign.http.ProblemException;
import io.countersign.policy.api.Request;
import io.quarkus.qute.TemplateInstance;

/**
 * The web inbox: the requests the signed-in person may decide, one request in full with its votes,
 * approve, deny with a comment, and the history of decided requests. Votes go through
 * {@link ApprovalService} with channel {@code inbox}, which keeps every separation-of-duties check; its
 * refusals are shown on the page. A counted vote redirects (post/redirect/get).
 */
@Path("/inbox")
@Produces(MediaType.TEXT_HTML)
public class InboxResource {
    public static final String CHANNEL = "inbox";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    private final ApprovalService approvals;
    private final SignedIn signedIn;
    private final InboxConfig config;

    InboxResource(ApprovalService approvals, SignedIn signedIn, InboxConfig config) {
        this.approvals = approvals;
        this.signedIn = signedIn;
        this.config = config;
    }

    @GET
    public TemplateInstance inbox(@QueryParam("voted") String voted) {
        SignedIn.User user = signedIn.require();
        Instant now = Instant.now();
        // Requests this person has voted on already are not waiting for them any more.
        List<InboxItem> items = approvals.decidable(user.caller(), ApprovalStatus.PENDING, config.pageSize()).stream()
                .filter(view -> view.votes().stream().noneMatch(v -> Request.samePerson(v.voter(), user.caller().getId())))
                .map(view -> InboxItem.of(view, now)).toList();
        return InboxPages.Templates.list(InboxPages.Viewer.of(user), items, voted != null && ID.matcher(voted).matches() ? voted : null);
    }

    @GET
    @Path("/history")
    public TemplateInstance history() {
        SignedIn.User user = signedIn.require();
        Instant now = Instant.now();
        List<InboxItem> items = approvals.decided(user.caller(), config.pageSize()).stream()
                .map(view -> InboxItem.of(view, now)).toList();
        return InboxPages.Templates.history(InboxPages.Viewer.of(user), items);
    }

    @GET
    @Path("/approvals/{id}")
    public TemplateInstance request(@PathParam("id") String id) {
        SignedIn.User user = signedIn.require();
        return detail(user, read(user, id), null, null, null);
    }

    @POST
    @Path("/approvals/{id}/approve")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response approve(@PathParam("id") String id, @FormParam("csrf") String csrf, @FormParam("comment") String comment) {
        SignedIn.User user = signedIn.require();
        signedIn.checkForm(user.sessionId(), csrf);
        String text = comment == null || comment.isBlank() ? null : comment.strip();
        return vote(user, id, null, () -> approvals.approve(id, user.caller(), text, false, CHANNEL));
    }

    @POST
    @Path("/approvals/{id}/deny")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response deny(@PathParam("id") String id, @FormParam("csrf") String csrf, @FormParam("comment") String comment) {
        SignedIn.User user = signedIn.require();
        signedIn.checkForm(user.sessionId(), csrf);
        String text = comment == null ? null : comment.strip();
        return vote(user, id, text, () -> approvals.deny(id, user.caller(), text, CHANNEL));
    }

    @POST
    @Path("/sign-out")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response signOut(@FormParam("csrf") String csrf) {
        SignedIn.User user = signedIn.require();
        signedIn.checkForm(user.sessionId(), csrf);
        signedIn.signOut(user);
        boolean links = signedIn.method() == SignInMethod.LINK;
        return Response.ok(InboxPages.Templates.message("Signed out", "You have signed out of the inbox.",
                links ? null : "/inbox", links ? null : "Sign in again"))
                .cookie(signedIn.cookie(InboxSessions.COOKIE, "", "/inbox", 0))
                .build();
    }

    /**
     * Casts a vote; a counted one redirects to the inbox, a refused one shows the request again with the
     * reason (next to the comment field when the comment is what is wrong). Nothing is retried.
     */
    private Response vote(SignedIn.User user, String id, String denyComment, Supplier<CompletionStage<ApprovalView>> cast) {
        try {
            cast.get().toCompletableFuture().join();
            return Response.seeOther(URI.create("/inbox?voted=" + id)).build();
        } catch (ProblemException | CompletionException e) {
            Problem problem = problem(e);
            ApprovalView view = approvals.view(id, user.caller(), false).orElse(null);
            if (view == null) {
                throw new InboxException(InboxException.Kind.NOT_FOUND, "There is no request " + id + " that you may see.");
            }
            boolean commentProblem = "comment".equals(problem.field());
            String message = switch (problem.code()) {
                case "self_approval" -> "You cannot decide this request: " + problem.detail() + ".";
                case "forbidden" -> "You may not decide this request: " + problem.detail() + ".";
                case "approval_not_pending" -> "This request is no longer waiting for a decision: " + problem.detail() + ".";
                case "log_unavailable" -> "Your vote could not be recorded just now, so it was not counted. Try again shortly.";
                default -> commentProblem ? null : "Your vote was not counted: " + problem.detail() + ".";
            };
            String fieldError = commentProblem ? problem.detail().replaceFirst("^comment: ", "") : null;
            if (commentProblem && denyComment == null) {
                message = "Your comment was not accepted: " + fieldError + ".";
                fieldError = null;
            }
            return Response.status(problem.status()).type(MediaType.TEXT_HTML)
                    .entity(detail(user, view, message, fieldError, denyComment)).build();
        }
    }

    private static Problem problem(RuntimeException e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof ProblemException p) {
            return p.problem();
        }
        throw e instanceof CompletionException && cause instanceof RuntimeException r ? r : e;
    }

    private ApprovalView read(SignedIn.User user, String id) {
        if (!ID.matcher(id).matches()) {
            throw new InboxException(InboxException.Kind.NOT_FOUND, "There is no such request.");
        }
        return approvals.view(id, user.caller(), false).orElseThrow(
                () -> new InboxException(InboxException.Kind.NOT_FOUND, "There is no request " + id + " that you may see."));
    }

    private static TemplateInstance detail(SignedIn.User user, ApprovalView view, String error, String denyError, String denyComment) {
        return InboxPages.Templates.detail(InboxPages.Viewer.of(user), InboxItem.of(view, Instant.now()), error, denyError,
                denyComment);
    }
}
