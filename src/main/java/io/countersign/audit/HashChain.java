package io.countersign.audit;

import java.security.MessageDigest;

import io.countersign.canonical.CanonicalJson;

/** The decision log's chaining rule, in one place: {@code hash_n = SHA-256(hash_{n-1} || canonical(entry_n))}. */
public final class HashChain {
    /** The previous hash of the first entry: 32 zero bytes. */
    public static final byte[] GENESIS = new byte[32];
    /** Verifying millions of links, looking up the provider for each shows in profiles; digest() resets it. */
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(CanonicalJson::sha256);

    private HashChain() {
    }

    public static byte[] link(byte[] previousHash, byte[] canonicalEntry) {
        MessageDigest sha = DIGEST.get();
        sha.update(previousHash);
        return sha.digest(canonicalEntry);
    }

    /** Appends {@code canonicalEntry} after an entry with {@code previousHash}. */
    public static ChainEntry append(long sequence, byte[] previousHash, byte[] canonicalEntry) {
        return new ChainEntry(sequence, canonicalEntry, previousHash.clone(), link(previousHash, canonicalEntry));
    }
}
