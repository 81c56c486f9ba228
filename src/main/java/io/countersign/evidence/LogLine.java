package io.countersign.evidence;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.countersign.audit.ChainEntry;
import io.countersign.audit.HashHex;

/**
 * One line of {@code log.jsonl}: {@code {"sequence":N,"prevHash":"sha256:…","hash":"sha256:…","body":…}}
 * with the entry's stored canonical JSON as {@code body}, byte for byte, so that
 * {@code SHA-256(prevHash || body)} can be recomputed from the line alone. The layout is fixed, so a
 * verifier takes the body out by position instead of re-serializing it.
 */
final class LogLine {
    private static final byte[] SEQUENCE = "{\"sequence\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PREV = ",\"prevHash\":\"sha256:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HASH = "\",\"hash\":\"sha256:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BODY = "\",\"body\":".getBytes(StandardCharsets.US_ASCII);
    private static final int HEX = 64;

    private LogLine() {
    }

    /** The line with its trailing newline; the hashes are raw (32 bytes) and written as lower-case hex. */
    static byte[] format(long sequence, byte[] prevHash, byte[] hash, byte[] body) {
        byte[] number = Long.toString(sequence).getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[SEQUENCE.length + number.length + PREV.length + HEX + HASH.length + HEX + BODY.length
                + body.length + 2];
        int at = put(out, 0, SEQUENCE);
        at = put(out, at, number);
        at = put(out, at, PREV);
        at = hex(out, at, prevHash);
        at = put(out, at, HASH);
        at = hex(out, at, hash);
        at = put(out, at, BODY);
        at = put(out, at, body);
        out[at++] = '}';
        out[at] = '\n';
        return out;
    }

    /** Reads a line written by {@link #format}; throws {@link IllegalArgumentException} for anything else. */
    static ChainEntry parse(byte[] line, int length) {
        if (!startsWith(line, 0, SEQUENCE)) {
            throw new IllegalArgumentException("does not start with {\"sequence\":");
        }
        int at = SEQUENCE.length;
        long sequence = 0;
        int digits = 0;
        while (at < length && line[at] >= '0' && line[at] <= '9' && digits < 18) {
            sequence = sequence * 10 + (line[at] - '0');
            at++;
            digits++;
        }
        if (digits == 0 || !startsWith(line, at, PREV)) {
            throw new IllegalArgumentException("no sequence number followed by prevHash");
        }
        at += PREV.length;
        byte[] prev = hex(line, at, length);
        at += HEX;
        if (!startsWith(line, at, HASH)) {
            throw new IllegalArgumentException("no hash after prevHash");
        }
        at += HASH.length;
        byte[] hash = hex(line, at, length);
        at += HEX;
        if (!startsWith(line, at, BODY) || length < at + BODY.length + 3 || line[length - 1] != '}') {
            throw new IllegalArgumentException("no body, or the line does not end with }");
        }
        at += BODY.length;
        return new ChainEntry(sequence, Arrays.copyOfRange(line, at, length - 1), prev, hash);
    }

    private static byte[] hex(byte[] line, int at, int length) {
        if (at + HEX > length) {
            throw new IllegalArgumentException("a hash is cut short");
        }
        try {
            return HashHex.parse(new String(line, at, HEX, StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a hash is not hex");
        }
    }

    private static boolean startsWith(byte[] line, int at, byte[] prefix) {
        if (at + prefix.length > line.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (line[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static final byte[] DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private static int hex(byte[] out, int at, byte[] hash) {
        if (hash.length * 2 != HEX) {
            throw new IllegalArgumentException("a hash is " + hash.length + " bytes, not 32");
        }
        for (byte b : hash) {
            out[at++] = DIGITS[(b >> 4) & 0xf];
            out[at++] = DIGITS[b & 0xf];
        }
        return at;
    }

    private static int put(byte[] out, int at, byte[] part) {
        System.arraycopy(part, 0, out, at, part.length);
        return at + part.length;
    }
}
