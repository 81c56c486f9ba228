package io.countersign.approval;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Tells waiters and webhook destinations that a request changed. Waiters hold a future, not a thread:
 * a change committed on this instance completes them at once; a change made by another instance is
 * seen by a once-a-second look at the versions of the requests someone waits on.
 */
@ApplicationScoped
public class ApprovalEvents {
    private static final Logger LOG = Logger.getLogger(ApprovalEvents.class);

    private record Waiter(long version, CompletableFuture<Void> changed) {
    }

    private final Map<String, Set<Waiter>> waiting = new ConcurrentHashMap<>();
    private final Webhooks webhooks;
    private final Event<ApprovalNotice> notices;

    ApprovalEvents(Webhooks webhooks, Event<ApprovalNotice> notices) {
        this.webhooks = webhooks;
        this.notices = notices;
    }

    /** Completes when request {@code id}, now at {@code version}, changes, or after {@code timeout}. */
    public CompletableFuture<Void> next(String id, long version, Duration timeout) {
        Waiter waiter = new Waiter(version, new CompletableFuture<>());
        waiting.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(waiter);
        return waiter.changed().completeOnTimeout(null, timeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((v, e) -> forget(id, waiter));
    }

    public void requested(ApprovalView view) {
        webhooks.publish(ApprovalNotice.REQUESTED, view);
        notify(ApprovalNotice.REQUESTED, view);
    }

    public void changed(ApprovalView view) {
        wake(view.id());
        if (view.status() == ApprovalStatus.PENDING) {
            notify(ApprovalNotice.VOTED, view);
        } else if (view.status() != ApprovalStatus.CONSUMED) {
            webhooks.publish(ApprovalNotice.DECIDED, view);
            notify(ApprovalNotice.DECIDED, view);
        }
        if (view.breakGlass() && view.status() == ApprovalStatus.APPROVED) {
            webhooks.publish("approval.break_glass", view);
        }
    }

    private void notify(String type, ApprovalView view) {
        notices.fireAsync(new ApprovalNotice(type, view)).exceptionally(e -> {
            LOG.warnf("approval %s: a channel failed on %s: %s", view.id(), type, e.getMessage());
            return null;
        });
    }

    /** A request was used: waiters see CONSUMED. */
    public void consumed(String id) {
        wake(id);
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void seeOtherInstances() {
        if (waiting.isEmpty()) {
            return;
        }
        List<String> ids = List.copyOf(waiting.keySet());
        Map<String, Long> versions = QuarkusTransaction.requiringNew().call(() -> {
            Map<String, Long> found = new ConcurrentHashMap<>();
            ApprovalRecord.<ApprovalRecord> list("id in ?1", ids).forEach(a -> found.put(a.id, a.version));
            return found;
        });
        versions.forEach((id, version) -> {
            Set<Waiter> waiters = waiting.get(id);
            if (waiters != null) {
                waiters.stream().filter(w -> w.version() != version).forEach(w -> w.changed().complete(null));
            }
        });
    }

    private void wake(String id) {
        Set<Waiter> waiters = waiting.remove(id);
        if (waiters != null) {
            waiters.forEach(w -> w.changed().complete(null));
        }
    }

    private void forget(String id, Waiter waiter) {
        waiting.computeIfPresent(id, (k, set) -> {
            set.remove(waiter);
            return set.isEmpty() ? null : set;
        });
    }
}
