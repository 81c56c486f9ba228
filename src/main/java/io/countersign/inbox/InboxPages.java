package io.countersign.inbox;

import java.util.List;

import io.countersign.approval.ApprovalSummary;
import io.countersign.approval.ApprovalView;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateData;
import io.quarkus.qute.TemplateInstance;

/** The inbox's pages (Qute, {@code templates/inbox/}); every value is HTML-escaped, none is rendered raw. */
@TemplateData(target = ApprovalSummary.class)
@TemplateData(target = ApprovalSummary.Artifact.class)
@TemplateData(target = ApprovalSummary.Rule.class)
@TemplateData(target = ApprovalView.VoteView.class)
final class InboxPages {
    /** The signed-in person as the page header shows them, and the CSRF token of their forms. */
    @TemplateData
    record Viewer(String id, String groups, String csrf) {
        static Viewer of(SignedIn.User user) {
            return new Viewer(user.caller().getId(), String.join(", ", user.caller().getGroups()), user.csrf());
        }
    }

    private InboxPages() {
    }

    @CheckedTemplate(basePath = "inbox", defaultName = CheckedTemplate.HYPHENATED_ELEMENT_NAME)
    static class Templates {
        static native TemplateInstance list(Viewer viewer, List<InboxItem> items, String voted);

        static native TemplateInstance history(Viewer viewer, List<InboxItem> items);

        static native TemplateInstance detail(Viewer viewer, InboxItem item, String error, String denyError, String denyComment);

        static native TemplateInstance signIn(String error, String person, String groups, String token, String csrf, String message);

        static native TemplateInstance message(String title, String message, String link, String linkText);
    }
}
