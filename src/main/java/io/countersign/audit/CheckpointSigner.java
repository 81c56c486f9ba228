package io.countersign.audit;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import io.countersign.canonical.CanonicalJson;

/** Signs and verifies checkpoints with the log's Ed25519 key (the JDK's own implementation). */
public final class CheckpointSigner {
    private static final String ALGORITHM = "Ed25519";

    private final PrivateKey privateKey;

    public CheckpointSigner(PrivateKey privateKey) {
        this.privateKey = privateKey;
    }

    public static KeyPair generateKeyPair() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is missing from this JVM", e);
        }
    }

    /** A public key as base64 of its X.509 (SubjectPublicKeyInfo) encoding: how bundles and keys files carry it. */
    public static String encode(PublicKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    public static PublicKey decodePublicKey(String base64) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64.strip())));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a base64 Ed25519 public key: " + e.getMessage(), e);
        }
    }

    public Checkpoint sign(long sequence, String headHash, Instant at) {
        String signedAt = at.toString();
        try {
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(privateKey);
            signer.update(message(sequence, headHash, signedAt));
            return new Checkpoint(sequence, headHash, signedAt, Base64.getEncoder().encodeToString(signer.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign checkpoint: " + e.getMessage(), e);
        }
    }

    /**
     * Ed25519 over {@code message} as given, base64: for documents the log vouches for (an evidence
     * manifest), which carry more fields than a checkpoint and so can never be read as one.
     */
    public String signMessage(byte[] message) {
        try {
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(privateKey);
            signer.update(message);
            return Base64.getEncoder().encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign: " + e.getMessage(), e);
        }
    }

    /** Whether {@code signature} (base64) over {@code message} verifies with {@code key}. */
    public static boolean verifyMessage(byte[] message, String signature, PublicKey key) {
        try {
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key);
            verifier.update(message);
            return verifier.verify(Base64.getDecoder().decode(signature.strip()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether {@code checkpoint} was signed by the holder of {@code key} and names what it says. */
    public static boolean verify(Checkpoint checkpoint, PublicKey key) {
        try {
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key);
            verifier.update(message(checkpoint.sequence(), checkpoint.headHash(), checkpoint.signedAt()));
            return verifier.verify(Base64.getDecoder().decode(checkpoint.signature()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] message(long sequence, String headHash, String signedAt) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("sequence", sequence);
        fields.put("headHash", headHash);
        fields.put("signedAt", signedAt);
        return CanonicalJson.bytes(fields);
    }
}
