package io.countersign.inbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.countersign.keys.KeyFiles;
import io.countersign.policy.RequestRules;
import io.countersign.policy.api.Caller;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Inbox sessions signed with an HMAC-SHA256 key under the data directory, and the CSRF tokens bound to
 * them. A session cookie carries {@code base64url(json).base64url(mac)}: the subject, groups, session id
 * and expiry; a changed byte, an unknown key, a past expiry or a signed-out session id is refused.
 */
@ApplicationScoped
public class InboxSessions {
    public static final String KEY_FILE = "keys/inbox-session-hmac.key";
    public static final String COOKIE = "countersign_inbox";
    private static final Logger LOG = Logger.getLogger(InboxSessions.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    /** A signed-in person, and the id their CSRF tokens are bound to. */
    public record Session(String id, Caller caller, Instant expiresAt) {
    }

    private final InboxConfig config;
    private final SecureRandom random = new SecureRandom();
    private final SecretKeySpec key;

    InboxSessions(InboxConfig config, @ConfigProperty(name = "countersign.data-dir") Path dataDir) {
        this.config = config;
        this.key = new SecretKeySpec(KeyFiles.loadOrCreateSecret(dataDir.resolve(KEY_FILE), 32), "HmacSHA256");
    }

    /** A new session for {@code caller}, as the cookie value that carries it. */
    public String start(Caller caller) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("sid", randomId());
        payload.put("sub", caller.getId());
        payload.put("groups", List.copyOf(caller.getGroups()));
        payload.put("exp", Instant.now().plus(config.sessionTtl()).getEpochSecond());
        try {
            String body = B64.encodeToString(JSON.writeValueAsBytes(payload));
            return body + "." + mac("session", body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The session a cookie value carries, if it is genuine, unexpired and not signed out. */
    public Optional<Session> read(String cookie) {
        if (cookie == null || cookie.length() > 8192) {
            return Optional.empty();
        }
        int dot = cookie.indexOf('.');
        if (dot < 0 || !same(mac("session", cookie.substring(0, dot)), cookie.substring(dot + 1))) {
            return Optional.empty();
        }
        try {
            JsonNode payload = JSON.readTree(Base64.getUrlDecoder().decode(cookie.substring(0, dot)));
            Instant expires = Instant.ofEpochSecond(payload.path("exp").asLong(0));
            String sid = payload.path("sid").asText("");
            String subject = payload.path("sub").asText(null);
            if (!Instant.now().isBefore(expires) || sid.isEmpty() || subject == null || RequestRules.id(subject) != null) {
                return Optional.empty();
            }
            List<String> groups = JSON.convertValue(payload.path("groups"), JSON.getTypeFactory().constructCollectionType(List.class, String.class));
            if (ended(sid)) {
                return Optional.empty();
            }
            return Optional.of(new Session(sid, new Caller(subject, Caller.HUMAN, groups == null ? List.of() : groups), expires));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Signs a session out: its cookie is refused from now on, wherever it is presented. */
    public void end(Session session) {
        QuarkusTransaction.requiringNew().run(() -> {
            if (SessionEnd.findById(session.id()) == null) {
                SessionEnd end = new SessionEnd();
                end.sessionId = session.id();
                end.endedAt = Instant.now();
                end.expiresAt = session.expiresAt();
                end.persist();
            }
        });
    }

    /** The CSRF token of the session (or pre-session) {@code id}: every form carries it, every POST must. */
    public String csrf(String id) {
        return mac("csrf", id);
    }

    public boolean csrfMatches(String id, String token) {
        return token != null && same(csrf(id), token);
    }

    /** A fresh random id (session ids, pre-sign-in nonces). */
    public String randomId() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return B64.encodeToString(bytes);
    }

    /** An id for a session the identity provider keeps (the code flow): the hash of its ID token. */
    public static String idOf(String idToken) {
        try {
            return B64.encodeToString(MessageDigest.getInstance("SHA-256").digest(idToken.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Scheduled(every = "1h", delayed = "1m")
    void forgetExpired() {
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                Instant now = Instant.now();
                SessionEnd.delete("expiresAt < ?1", now);
                SignInUse.delete("expiresAt < ?1", now);
            });
        } catch (RuntimeException e) {
            LOG.debugf("inbox clean-up skipped: %s", e.getMessage());
        }
    }

    private boolean ended(String sid) {
        return QuarkusTransaction.requiringNew().call(() -> SessionEnd.findById(sid) != null);
    }

    private String mac(String purpose, String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return B64.encodeToString(mac.doFinal((purpose + "\n" + value).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean same(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }
}
