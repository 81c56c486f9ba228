package io.countersign.audit;

import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.countersign.keys.KeyFiles;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Signed checkpoints over the chain head: Ed25519 over sequence, head hash and time, stored with the
 * log. Taken on a schedule when the head has moved, and on demand. A checkpoint handed to an auditor
 * (or kept elsewhere) pins the chain: rewriting history before it breaks either the chain or the signature.
 */
@ApplicationScoped
public class CheckpointService {
    private static final Logger LOG = Logger.getLogger(CheckpointService.class);

    private final LogReader reader;
    private final CheckpointSigner signer;
    private final String publicKey;

    CheckpointService(LogReader reader, LogConfig config, @ConfigProperty(name = "countersign.data-dir") Path dataDir) {
        this.reader = reader;
        Path keyFile = config.checkpointKey().orElse(dataDir.resolve("keys/checkpoint-ed25519.pem"));
        KeyPair keys = KeyFiles.loadOrCreate(keyFile, KeyFiles.ED25519);
        this.signer = new CheckpointSigner(keys.getPrivate());
        this.publicKey = CheckpointSigner.encode(keys.getPublic());
    }

    /** The base64 X.509 public key that verifies this instance's checkpoints. */
    public String publicKey() {
        return publicKey;
    }

    /** Ed25519 over {@code message} with the checkpoint key, base64 ({@link CheckpointSigner#signMessage}). */
    public String sign(byte[] message) {
        return signer.signMessage(message);
    }

    /**
     * A checkpoint at the current head: the existing one if the head has not moved since. Two signers may
     * reach one head together (the schedule and a request, or two instances): the one whose insert loses on
     * the primary key answers with the checkpoint the other stored.
     */
    public Optional<CheckpointRecord> checkpoint() {
        LogReader.Head head = reader.head();
        if (head.sequence() == 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(QuarkusTransaction.requiringNew().call(() -> atHead(head)));
        } catch (RuntimeException e) {
            CheckpointRecord stored = QuarkusTransaction.requiringNew()
                    .call(() -> CheckpointRecord.<CheckpointRecord> findById(head.sequence()));
            if (stored == null) {
                throw e;
            }
            return Optional.of(stored);
        }
    }

    private CheckpointRecord atHead(LogReader.Head head) {
        CheckpointRecord existing = CheckpointRecord.findById(head.sequence());
        if (existing != null) {
            return existing;
        }
        Checkpoint signed = signer.sign(head.sequence(), "sha256:" + head.hash(), Instant.now());
        CheckpointRecord record = new CheckpointRecord();
        record.sequence = signed.sequence();
        record.headHash = signed.headHash();
        record.signedAt = signed.signedAt();
        record.signature = signed.signature();
        record.publicKey = publicKey;
        record.persist();
        return record;
    }

    @Scheduled(every = "${countersign.log.checkpoint-every:5m}", delayed = "${countersign.log.checkpoint-every:5m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            checkpoint();
        } catch (RuntimeException e) {
            // Another instance may have signed the same head at the same moment, or the database is down;
            // the next round tries again.
            LOG.debugf("checkpoint skipped: %s", e.getMessage());
        }
    }

    public List<CheckpointRecord> all() {
        return CheckpointRecord.list("order by sequence");
    }
}
