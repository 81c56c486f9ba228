package io.countersign.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service's own key pairs, kept as PEM files readable by their owner only: the private key (PKCS #8)
 * followed by its public key (X.509), so that any algorithm, Ed25519 included, reloads without deriving.
 * A missing file is created once; two processes starting together both end up with the first one's key.
 */
public final class KeyFiles {
    /** RSA-2048 for RS256 tokens; what every OIDC verifier understands. */
    public static final String RSA = "RSA";
    /** Ed25519 for log checkpoints and evidence signatures. */
    public static final String ED25519 = "Ed25519";

    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private KeyFiles() {
    }

    public static KeyPair loadOrCreate(Path file, String algorithm) {
        try {
            if (!Files.exists(file)) {
                create(file, algorithm);
            }
            return load(file, algorithm);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or create the key file " + file + ": " + e.getMessage(), e);
        }
    }

    public static KeyPair load(Path file, String algorithm) throws IOException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        byte[] privateDer = null;
        byte[] publicDer = null;
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            if (m.group(1).equals("PRIVATE KEY")) {
                privateDer = der;
            } else if (m.group(1).equals("PUBLIC KEY")) {
                publicDer = der;
            }
        }
        if (privateDer == null || publicDer == null) {
            throw new IOException(file + " must hold a PRIVATE KEY and a PUBLIC KEY block");
        }
        try {
            KeyFactory factory = KeyFactory.getInstance(algorithm);
            return new KeyPair(factory.generatePublic(new X509EncodedKeySpec(publicDer)),
                    factory.generatePrivate(new PKCS8EncodedKeySpec(privateDer)));
        } catch (GeneralSecurityException e) {
            throw new IOException(file + " does not hold an " + algorithm + " key pair: " + e.getMessage(), e);
        }
    }

    /** The public key as PEM, for handing to verifiers. */
    public static String publicPem(KeyPair pair) {
        return block("PUBLIC KEY", pair.getPublic().getEncoded());
    }

    /**
     * A random secret of {@code bytes} bytes kept base64-encoded in {@code file} (owner-only), created on
     * first use: for HMAC keys, which have no public half.
     */
    public static byte[] loadOrCreateSecret(Path file, int bytes) {
        try {
            if (!Files.exists(file)) {
                byte[] secret = new byte[bytes];
                new java.security.SecureRandom().nextBytes(secret);
                writeOnce(file, Base64.getEncoder().encodeToString(secret) + "\n");
            }
            byte[] secret = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip());
            if (secret.length < bytes) {
                throw new IOException(file + " holds " + secret.length + " bytes, fewer than the " + bytes + " needed");
            }
            return secret;
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read or create the key file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void create(Path file, String algorithm) throws IOException {
        KeyPair pair = generate(algorithm);
        writeOnce(file, block("PRIVATE KEY", pair.getPrivate().getEncoded()) + publicPem(pair));
    }

    private static void writeOnce(Path file, String content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, ".key-", ".tmp");
        try {
            trySetOwnerOnly(temp);
            Files.writeString(temp, content, StandardCharsets.US_ASCII);
            try {
                // Never replace a key another process created meanwhile: tokens (or sessions) already made depend on it.
                Files.createLink(file, temp);
            } catch (FileAlreadyExistsException e) {
                // the other process won; its key is loaded
            } catch (UnsupportedOperationException | IOException e) {
                if (!Files.exists(file)) {
                    try {
                        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
                    } catch (AtomicMoveNotSupportedException ignored) {
                        Files.move(temp, file);
                    }
                }
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static KeyPair generate(String algorithm) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (algorithm.equals(RSA)) {
                generator.initialize(new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4));
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is missing from this JVM", e);
        }
    }

    private static void trySetOwnerOnly(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException ignored) {
            // not a POSIX file system; the directory's own protection applies
        }
    }

    private static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
