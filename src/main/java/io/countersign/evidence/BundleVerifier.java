package io.countersign.evidence;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.countersign.audit.ChainEntry;
import io.countersign.audit.ChainVerifier;
import io.countersign.audit.Checkpoint;
import io.countersign.audit.CheckpointSigner;
import io.countersign.canonical.CanonicalJson;
import io.countersign.policy.PolicyLoader;

/**
 * Checks an evidence bundle offline, with nothing but the file (and, best, the log's public key): the
 * manifest's signature, every file's hash and size, no file missing or extra, the chain of
 * {@code log.jsonl} from the link into the entry before it, gap-free, against the checkpoints (whose
 * signatures are checked too), the spreadsheet views rebuilt from {@code log.jsonl}, and the policy files
 * against the versions they claim. Stops at the first problem and names it.
 */
public final class BundleVerifier {
    public static final int VALID = 0;
    public static final int INVALID = 1;
    public static final int UNREADABLE = 2;

    /** The verdict: an exit code, the first problem (null when valid), and what was checked. */
    public record Outcome(int exitCode, String problem, List<String> report) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final class Invalid extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int code;

        Invalid(int code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    private final List<String> report = new ArrayList<>();

    private BundleVerifier() {
    }

    /**
     * @param publicKey the log's Ed25519 public key (base64 X.509, PEM, or a file holding either); null to
     *        use the key inside the bundle, which proves the bundle whole but not who made it
     */
    public static Outcome verify(Path bundle, String publicKey) {
        BundleVerifier verifier = new BundleVerifier();
        try {
            verifier.run(bundle, publicKey);
            return new Outcome(VALID, null, verifier.report);
        } catch (Invalid e) {
            return new Outcome(e.code, e.getMessage(), verifier.report);
        }
    }

    private void run(Path bundle, String publicKey) {
        if (!Files.isRegularFile(bundle)) {
            throw new Invalid(UNREADABLE, bundle + ": no such file");
        }
        try (ZipFile zip = new ZipFile(bundle.toFile())) {
            check(zip, publicKey);
        } catch (ZipException e) {
            throw new Invalid(UNREADABLE, bundle + " is not a ZIP file: " + e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            throw new Invalid(UNREADABLE, bundle + " cannot be read: " + e.getMessage());
        }
    }

    private void check(ZipFile zip, String publicKey) throws IOException {
        ZipEntry manifestEntry = zip.getEntry(BundleLayout.MANIFEST);
        if (manifestEntry == null) {
            throw new Invalid(UNREADABLE, "no " + BundleLayout.MANIFEST + " in the bundle: not an evidence bundle");
        }
        byte[] manifestBytes = read(zip, manifestEntry);
        JsonNode manifest;
        try {
            manifest = JSON.readTree(manifestBytes);
        } catch (IOException e) {
            throw new Invalid(UNREADABLE, BundleLayout.MANIFEST + " is not JSON: " + e.getMessage());
        }
        if (manifest == null || !BundleLayout.FORMAT.equals(manifest.path("format").asText())) {
            throw new Invalid(UNREADABLE, BundleLayout.MANIFEST + " is not a " + BundleLayout.FORMAT + " manifest");
        }

        // 1. the signature, over the manifest's exact bytes
        ZipEntry signatureEntry = zip.getEntry(BundleLayout.SIGNATURE);
        if (signatureEntry == null) {
            throw new Invalid(INVALID, "bad signature: " + BundleLayout.SIGNATURE + " is missing");
        }
        String signingKey = manifest.path("signingKey").asText();
        PublicKey key;
        if (publicKey != null) {
            key = decodeKey(publicKey);
            report.add("signature: checked against the public key given");
        } else {
            key = decodeKey(signingKey);
            report.add("signature: checked against the key INSIDE the bundle (pass --public-key with the log's key, from "
                    + "GET /v1/log/checkpoints, to prove who made it)");
        }
        String signature = new String(read(zip, signatureEntry), StandardCharsets.US_ASCII).strip();
        if (!CheckpointSigner.verifyMessage(manifestBytes, signature, key)) {
            throw new Invalid(INVALID, "bad signature: " + BundleLayout.SIGNATURE + " does not verify "
                    + BundleLayout.MANIFEST + (publicKey != null ? " with the public key given" : " with the key it names"));
        }
        Set<String> trusted = new HashSet<>();
        trusted.add(CheckpointSigner.encode(key));
        manifest.path("trustedCheckpointKeys").forEach(k -> trusted.add(k.asText().strip()));

        // 2. every file there, nothing else, each with its hash and size
        Map<String, JsonNode> listed = new LinkedHashMap<>();
        for (JsonNode file : manifest.path("files")) {
            listed.put(file.path("path").asText(), file);
        }
        Set<String> seen = new HashSet<>();
        for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements();) {
            String name = entries.nextElement().getName();
            if (!seen.add(name)) {
                throw new Invalid(INVALID, "extra file: " + name + " appears twice");
            }
            if (!listed.containsKey(name) && !name.equals(BundleLayout.MANIFEST) && !name.equals(BundleLayout.SIGNATURE)) {
                throw new Invalid(INVALID, "extra file: " + name + " is not in the manifest");
            }
        }
        for (String path : listed.keySet()) {
            if (zip.getEntry(path) == null) {
                throw new Invalid(INVALID, "missing file: " + path + " is in the manifest but not in the bundle");
            }
        }
        // The files are hashed on a thread of their own while the chain and the population are checked; a
        // changed file is still the problem named first, as if the hashes had been checked before.
        Hashing hashing = new Hashing(zip, listed);
        List<String> chainReport = new ArrayList<>();
        Invalid chainProblem = null;
        try {
            checkChain(zip, manifest, trusted, chainReport);
        } catch (Invalid e) {
            chainProblem = e;
        } finally {
            hashing.finish();
        }
        report.add("files: " + listed.size() + " listed, all present, none extra, every hash and size matches");
        report.addAll(chainReport);
        if (chainProblem != null) {
            throw chainProblem;
        }

        // 4. the policy files hash to the versions they claim
        JsonNode versions = JSON.readTree(read(zip, required(zip, BundleLayout.POLICY_VERSIONS)));
        int checkedVersions = 0;
        for (JsonNode version : versions.path("versions")) {
            String dir = version.path("files").asText(null);
            if (dir == null) {
                continue;
            }
            Map<String, byte[]> files = new TreeMap<>();
            for (String path : listed.keySet()) {
                if (path.startsWith(dir)) {
                    files.put(path.substring(dir.length()), read(zip, zip.getEntry(path)));
                }
            }
            String computed = PolicyLoader.versionOf(files);
            if (!computed.equals(version.path("version").asText())) {
                throw new Invalid(INVALID, "policy files in " + dir + " hash to " + computed + ", not to "
                        + version.path("version").asText());
            }
            checkedVersions++;
        }
        report.add("policy: " + checkedVersions + " version(s) recomputed from their files");
    }

    /** 3. The chain: from the link into the entry before, gap-free, through the checkpoints; and the population. */
    private void checkChain(ZipFile zip, JsonNode manifest, Set<String> trusted, List<String> out) throws IOException {
        JsonNode population = manifest.path("population");
        long previousSequence = population.path("previousSequence").asLong();
        String previousHash = population.path("previousHash").asText();
        long first = population.path("firstSequence").asLong();
        long last = population.path("lastSequence").asLong();
        if (first != previousSequence + 1) {
            throw new Invalid(INVALID, "the manifest's population does not start right after the entry it links to");
        }
        JsonNode link = JSON.readTree(read(zip, required(zip, BundleLayout.LINK)));
        if (link.path("sequence").asLong(-1) != previousSequence || !previousHash.equals(link.path("hash").asText())) {
            throw new Invalid(INVALID, BundleLayout.LINK + " names another entry than the manifest");
        }
        Map<Long, Checkpoint> pinned = checkpoints(zip, trusted, previousSequence, previousHash, first, last, out);

        // log.jsonl is read and parsed on a thread of its own while this one checks the chain and the population.
        try (InputStream log = new BufferedInputStream(zip.getInputStream(required(zip, BundleLayout.LOG)), 1 << 16);
                Ahead<Line> parsed = new Ahead<>("countersign-bundle-parser", new Lines(log));
                Comparing decisions = new Comparing(BundleLayout.DECISIONS, reader(zip, BundleLayout.DECISIONS));
                Comparing approvals = new Comparing(BundleLayout.APPROVALS, reader(zip, BundleLayout.APPROVALS))) {
            Population rebuilt = new Population(decisions, approvals);
            Iterator<ChainEntry> entries = new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return parsed.hasNext();
                }

                @Override
                public ChainEntry next() {
                    Line line = parsed.next();
                    rebuilt.add(line.entry().sequence(), line.body());
                    return line.entry();
                }
            };
            ChainVerifier.Result chain = ChainVerifier.verify(entries, first, hash(previousHash), pinned);
            if (!chain.valid()) {
                throw new Invalid(INVALID, "log.jsonl: " + chain.problem());
            }
            if (entries.hasNext()) {
                throw new Invalid(INVALID, "log.jsonl: entries after the chain breaks");
            }
            if (chain.entriesChecked() != population.path("entries").asLong(-1) || (last >= first && chain.headSequence() != last)) {
                throw new Invalid(INVALID, "log.jsonl: holds " + chain.entriesChecked() + " entries ending at "
                        + chain.headSequence() + ", the manifest says " + population.path("entries").asLong() + " from "
                        + first + " to " + last + ": entries were removed or added");
            }
            if (!chain.headHash().equals(population.path("lastHash").asText())) {
                throw new Invalid(INVALID, "log.jsonl: the last entry's hash is not the manifest's lastHash");
            }
            out.add("chain: " + chain.entriesChecked() + " entries" + (chain.entriesChecked() == 0 ? " (the period is empty)"
                    : ", sequence " + first + " to " + last) + ", gap-free, linked to entry " + previousSequence + ", "
                    + pinned.size() + " checkpoint(s) on the chain");
            rebuilt.finish();
            decisions.end();
            approvals.end();
            out.add("population: decisions.csv and approvals.csv agree with log.jsonl");
        }
    }

    /** Checkpoint signatures, and those on the population (or at the link) against the chain. */
    private Map<Long, Checkpoint> checkpoints(ZipFile zip, Set<String> trusted, long previousSequence,
            String previousHash, long first, long last, List<String> out) throws IOException {
        Map<Long, Checkpoint> pinned = new HashMap<>();
        int outside = 0;
        try (BufferedReader in = new BufferedReader(reader(zip, BundleLayout.CHECKPOINTS))) {
            int n = 0;
            for (String line; (line = in.readLine()) != null;) {
                n++;
                JsonNode c = JSON.readTree(line);
                Checkpoint checkpoint = new Checkpoint(c.path("sequence").asLong(), c.path("headHash").asText(),
                        c.path("signedAt").asText(), c.path("signature").asText());
                String key = c.path("publicKey").asText().strip();
                if (!trusted.contains(key)) {
                    throw new Invalid(INVALID, "bad signature: checkpoint " + checkpoint.sequence()
                            + " is signed by a key the bundle's signer does not vouch for");
                }
                if (!CheckpointSigner.verify(checkpoint, CheckpointSigner.decodePublicKey(key))) {
                    throw new Invalid(INVALID, "bad signature: checkpoint " + checkpoint.sequence() + " (line " + n
                            + " of " + BundleLayout.CHECKPOINTS + ") does not verify");
                }
                if (checkpoint.sequence() == previousSequence) {
                    if (!checkpoint.headHash().equals(previousHash)) {
                        throw new Invalid(INVALID, "checkpoint " + previousSequence + " names another hash than the link into the population");
                    }
                    pinned.put(checkpoint.sequence(), checkpoint);
                } else if (checkpoint.sequence() >= first && checkpoint.sequence() <= last) {
                    pinned.put(checkpoint.sequence(), checkpoint);
                } else {
                    outside++;
                }
            }
        }
        out.add("checkpoints: " + (pinned.size() + outside) + " signature(s) verified, " + outside
                + " outside the population (signature only)");
        Map<Long, Checkpoint> onChain = new HashMap<>(pinned);
        onChain.remove(previousSequence);
        return onChain;
    }

    /** A line of log.jsonl: the chain entry and its parsed body. */
    private record Line(ChainEntry entry, JsonNode body) {
    }

    /** The lines of log.jsonl as chain entries with their bodies parsed; a line that is not one stops with its number. */
    private static final class Lines implements Iterator<Line> {
        private final InputStream in;
        private final byte[] chunk = new byte[1 << 16];
        private int position;
        private int filled;
        private byte[] buffer = new byte[8192];
        private Line next;
        private long line;

        Lines(InputStream in) {
            this.in = in;
        }

        @Override
        public boolean hasNext() {
            if (next == null) {
                next = read();
            }
            return next != null;
        }

        @Override
        public Line next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Line entry = next;
            next = null;
            return entry;
        }

        private Line read() {
            try {
                int length = 0;
                while (true) {
                    if (position == filled) {
                        filled = in.read(chunk);
                        position = 0;
                        if (filled <= 0) {
                            filled = 0;
                            if (length == 0) {
                                return null;
                            }
                            break;
                        }
                    }
                    int end = position;
                    while (end < filled && chunk[end] != '\n') {
                        end++;
                    }
                    int n = end - position;
                    if (length + n > buffer.length) {
                        buffer = java.util.Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + n));
                    }
                    System.arraycopy(chunk, position, buffer, length, n);
                    length += n;
                    position = end;
                    if (end < filled) {
                        position++;
                        break;
                    }
                }
                line++;
                ChainEntry entry;
                try {
                    entry = LogLine.parse(buffer, length);
                } catch (IllegalArgumentException e) {
                    throw new Invalid(INVALID, "log.jsonl line " + line + " is not a log line: " + e.getMessage());
                }
                JsonNode body;
                try {
                    body = JSON.readTree(entry.canonical());
                } catch (IOException e) {
                    throw new Invalid(INVALID, "log.jsonl line " + line + ": the body is not JSON");
                }
                return new Line(entry, body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Receives a file as rebuilt from log.jsonl and compares it, character by character, with the file in
     * the bundle; remembers the first line that differs (reported once the chain is known good).
     */
    private static final class Comparing extends Writer {
        private final String name;
        private final Reader actual;
        private final char[] window = new char[1 << 15];
        private final char[] scratch = new char[4096];
        private int position;
        private int filled;
        private long line = 1;
        private String problem;

        Comparing(String name, Reader actual) {
            this.name = name;
            this.actual = actual;
        }

        @Override
        public void write(char[] chars, int off, int len) throws IOException {
            for (int i = off; i < off + len && problem == null; i++) {
                int got = next();
                if (got != chars[i]) {
                    problem = got == -1 ? name + " ends at line " + line + ", before the rows log.jsonl gives (rows were removed)"
                            : name + " line " + line + " does not agree with log.jsonl (a row was changed, removed or moved)";
                }
                if (chars[i] == '\n') {
                    line++;
                }
            }
        }

        @Override
        public void write(String text, int off, int len) throws IOException {
            char[] chars = len <= scratch.length ? scratch : new char[len];
            text.getChars(off, off + len, chars, 0);
            write(chars, 0, len);
        }

        private int next() throws IOException {
            if (position == filled) {
                filled = actual.read(window);
                position = 0;
                if (filled <= 0) {
                    filled = 0;
                    return -1;
                }
            }
            return window[position++];
        }

        void end() throws IOException {
            if (problem == null && next() != -1) {
                problem = name + " has rows from line " + line + " that log.jsonl does not give";
            }
            if (problem != null) {
                throw new Invalid(INVALID, problem);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() throws IOException {
            actual.close();
        }
    }

    /** Every listed file's SHA-256 and size checked against the manifest, on a thread of its own. */
    private static final class Hashing {
        private final Thread thread;
        private volatile String problem;
        private volatile IOException failure;

        Hashing(ZipFile zip, Map<String, JsonNode> listed) {
            thread = new Thread(() -> {
                try {
                    for (Map.Entry<String, JsonNode> file : listed.entrySet()) {
                        if (!matches(zip, zip.getEntry(file.getKey()), file.getValue())) {
                            problem = "changed file: " + file.getKey() + " does not match its SHA-256 and size in the manifest";
                            return;
                        }
                    }
                } catch (IOException e) {
                    failure = e;
                } catch (UncheckedIOException e) {
                    failure = e.getCause();
                }
            }, "countersign-bundle-hashing");
            thread.setDaemon(true);
            thread.start();
        }

        private static boolean matches(ZipFile zip, ZipEntry entry, JsonNode listed) throws IOException {
            MessageDigest sha = CanonicalJson.sha256();
            long size = 0;
            try (InputStream in = zip.getInputStream(entry)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0;) {
                    sha.update(buffer, 0, n);
                    size += n;
                }
            }
            String sum = "sha256:" + HexFormat.of().formatHex(sha.digest());
            return sum.equals(listed.path("sha256").asText()) && size == listed.path("size").asLong(-1);
        }

        /** Waits for the hashes; a changed file is the problem to name. */
        void finish() throws IOException {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while hashing the bundle's files", e);
            }
            if (failure != null) {
                throw failure;
            }
            if (problem != null) {
                throw new Invalid(INVALID, problem);
            }
        }
    }

    private static ZipEntry required(ZipFile zip, String name) {
        ZipEntry entry = zip.getEntry(name);
        if (entry == null) {
            throw new Invalid(INVALID, "missing file: " + name);
        }
        return entry;
    }

    private static Reader reader(ZipFile zip, String name) throws IOException {
        return new BufferedReader(new InputStreamReader(zip.getInputStream(required(zip, name)), StandardCharsets.UTF_8), 1 << 16);
    }

    private static byte[] read(ZipFile zip, ZipEntry entry) throws IOException {
        try (InputStream in = zip.getInputStream(entry)) {
            return in.readAllBytes();
        }
    }

    private static byte[] hash(String prefixed) {
        try {
            return HexFormat.of().parseHex(prefixed.substring("sha256:".length()));
        } catch (RuntimeException e) {
            throw new Invalid(INVALID, "the manifest's previousHash is not a sha256: hash");
        }
    }

    /** A key as base64 X.509, as PEM, or in a file holding either. */
    static PublicKey decodeKey(String given) {
        String text = given.strip();
        try {
            Path file = Path.of(text);
            if (text.length() < 4096 && Files.isRegularFile(file)) {
                text = Files.readString(file);
            }
        } catch (IOException | RuntimeException e) {
            // not a file name: the key itself
        }
        text = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        try {
            return CheckpointSigner.decodePublicKey(text);
        } catch (IllegalArgumentException e) {
            throw new Invalid(UNREADABLE, "the public key is not a base64 or PEM Ed25519 public key");
        }
    }
}
