package io.countersign.evidence;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.countersign.audit.ChainEntry;
import io.countersign.audit.CheckpointService;
import io.countersign.audit.HashChain;
import io.countersign.audit.LogConfig;
import io.countersign.audit.LogReader;
import io.countersign.audit.LogUnavailableException;
import io.countersign.canonical.CanonicalJson;
import io.countersign.compliance.Control;
import io.countersign.http.Problem;
import io.countersign.policy.Policy;
import io.countersign.policy.PolicyRule;
import io.countersign.policyservice.PolicyService;

/**
 * Writes evidence bundles: reads the log a page at a time from the first entry of the period, writes
 * {@code log.jsonl} straight into the ZIP while the spreadsheet views go to temporary files, then adds
 * the reports, the policy files, the checkpoints and, last, the signed manifest. Memory stays flat in the
 * number of entries; the temporary files are as large as the two CSV files.
 */
@ApplicationScoped
public class EvidenceService {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A request that passed its checks: the query, the policy in force and the head the bundle stops at. */
    record Plan(EvidenceQuery query, Policy policy, LogReader.Head head) {
    }

    private final DataSource dataSource;
    private final LogReader reader;
    private final CheckpointService checkpoints;
    private final PolicyService policies;
    private final EvidenceConfig config;
    private final List<String> trustedKeys;

    EvidenceService(DataSource dataSource, LogReader reader, CheckpointService checkpoints, PolicyService policies,
            EvidenceConfig config, LogConfig logConfig) {
        this.dataSource = dataSource;
        this.reader = reader;
        this.checkpoints = checkpoints;
        this.policies = policies;
        this.config = config;
        this.trustedKeys = logConfig.trustedCheckpointKeys().map(keys -> keys.stream().map(String::strip).toList())
                .orElse(List.of());
    }

    /** Checks the parameters (400 naming the field) before anything is streamed. */
    public Plan plan(String from, String to, String framework, String control) {
        Policy policy = policies.current().map(PolicyService.Loaded::policy)
                .orElseThrow(() -> Problem.of(503, "policy_unavailable", "No policy in force",
                        "no policy has loaded, so controls cannot be reported").exception());
        EvidenceQuery query = EvidenceQuery.parse(from, to, framework, control, config.maxRange(), policy.catalogue());
        return new Plan(query, policy, reader.head());
    }

    public void write(Plan plan, OutputStream out) throws IOException {
        Path decisionsFile = Files.createTempFile("countersign-evidence-", ".decisions.csv");
        Path approvalsFile = Files.createTempFile("countersign-evidence-", ".approvals.csv");
        try (BundleZip zip = new BundleZip(out)) {
            Scan scan;
            try (Writer decisions = writer(decisionsFile); Writer approvals = writer(approvalsFile)) {
                Population population = new Population(decisions, approvals);
                scan = scan(plan, zip.file("log.jsonl"), population);
                zip.closeFile();
                population.finish();
                scan.stats = population.stats;
            }
            try (InputStream in = Files.newInputStream(decisionsFile)) {
                zip.file("decisions.csv", in);
            }
            try (InputStream in = Files.newInputStream(approvalsFile)) {
                zip.file("approvals.csv", in);
            }
            writeRest(plan, scan, zip);
        } finally {
            Files.deleteIfExists(decisionsFile);
            Files.deleteIfExists(approvalsFile);
        }
    }

    /** What the scan of the population found. */
    private static final class Scan {
        long previousSequence;
        String previousHash;
        long firstSequence;
        long lastSequence;
        String lastHash;
        String chainProblem;
        PopulationStats stats;
    }

    /**
     * The population is contiguous: from the first entry whose own {@code recordedAt} is at or after
     * {@code from}, up to (not including) the first entry recorded at or after {@code to}, so it is gap-free
     * whatever the clocks of several instances did.
     */
    private Scan scan(EvidenceQuery query, LogReader.Head head, OutputStream log, Population population) throws IOException {
        Scan scan = new Scan();
        long start = firstSequenceFrom(query.from().minus(config.clockSkew()), head.sequence());
        scan.previousSequence = start - 1;
        scan.previousHash = start - 1 == head.sequence() ? head.hash() : null;
        boolean started = false;
        byte[] previous = null;
        byte[] last = null;
        HexFormat hex = HexFormat.of();
        // The log is read two pages ahead on a thread of its own while this one parses, hashes, compresses and
        // tabulates. (Parsing on a third thread cost more CPU than it saved: the queued trees outlived the young
        // generation.)
        try (LogReader.Entries entries = reader.entries(start - 1, head.sequence());
                OutputStream lines = new BufferedOutputStream(log, 1 << 16) {
                    @Override
                    public void close() throws IOException {
                        flush();
                    }
                }) {
            while (entries.hasNext()) {
                Parsed p = Parsed.of(entries.next());
                ChainEntry e = p.entry();
                Instant recordedAt = Population.instant(Population.text(p.body(), "recordedAt"));
                if (!started) {
                    if (scan.previousHash == null) {
                        scan.previousHash = hex.formatHex(e.previousHash());
                    }
                    if (recordedAt != null && recordedAt.isBefore(query.from())) {
                        scan.previousSequence = e.sequence();
                        scan.previousHash = hex.formatHex(e.hash());
                        continue;
                    }
                    started = true;
                    scan.firstSequence = e.sequence();
                    previous = e.previousHash();
                    if (!hex.formatHex(e.previousHash()).equals(scan.previousHash) && scan.chainProblem == null) {
                        scan.chainProblem = "entry " + e.sequence() + " does not link to the entry before it";
                    }
                }
                if (recordedAt == null || !recordedAt.isBefore(query.to())) {
                    break;
                }
                if (scan.chainProblem == null) {
                    if (!Arrays.equals(previous, e.previousHash())) {
                        scan.chainProblem = "entry " + e.sequence() + " does not link to the entry before it";
                    } else if (!Arrays.equals(e.hash(), HashChain.link(previous, e.canonical()))) {
                        scan.chainProblem = "entry " + e.sequence() + " was changed: its hash does not match its content";
                    }
                }
                lines.write(LogLine.format(e.sequence(), e.previousHash(), e.hash(), e.canonical()));
                population.add(e.sequence(), p.body());
                scan.lastSequence = e.sequence();
                last = e.hash();
                previous = e.hash();
            }
        }
        if (last != null) {
            scan.lastHash = hex.formatHex(last);
        }
        if (!started || scan.lastHash == null) {
            if (scan.previousHash == null) {
                scan.previousHash = hashOf(scan.previousSequence);
            }
            scan.firstSequence = scan.previousSequence + 1;
            scan.lastSequence = scan.previousSequence;
            scan.lastHash = scan.previousHash;
        }
        return scan;
    }

    /** A stored entry with its body parsed. */
    record Parsed(ChainEntry entry, JsonNode body) {
        static Parsed of(ChainEntry entry) {
            try {
                return new Parsed(entry, JSON.readTree(entry.canonical()));
            } catch (IOException e) {
                throw new UncheckedIOException("log entry " + entry.sequence() + " is not JSON: " + e.getMessage(), e);
            }
        }
    }

    private Scan scan(Plan plan, OutputStream log, Population population) throws IOException {
        return scan(plan.query(), plan.head(), log, population);
    }

    private void writeRest(Plan plan, Scan scan, BundleZip zip) throws IOException {
        EvidenceQuery query = plan.query();
        String generatedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();

        Map<String, Object> link = new LinkedHashMap<>();
        link.put("sequence", scan.previousSequence);
        link.put("hash", "sha256:" + scan.previousHash);
        link.put("note", "the entry before the population; the first entry of log.jsonl names this hash as prevHash");
        zip.file("chain/link.json", PRETTY.writeValueAsBytes(link));
        writeCheckpoints(zip, scan.previousSequence, scan.lastSequence);

        writePolicies(zip, plan.policy(), scan.stats);

        List<BundleFacts.ControlEvidence> controls = new ArrayList<>();
        Map<String, List<String>> rulesByControl = new LinkedHashMap<>();
        for (PolicyRule rule : plan.policy().rules()) {
            rule.controls().forEach(c -> rulesByControl.computeIfAbsent(c, k -> new ArrayList<>()).add(rule.id()));
        }
        for (Control control : plan.policy().catalogue().of(query.framework())) {
            if (query.control() != null && !query.control().equals(control.id())) {
                continue;
            }
            controls.add(new BundleFacts.ControlEvidence(control, rulesByControl.getOrDefault(control.id(), List.of()),
                    scan.stats.decisionsByControl.getOrDefault(control.id(), 0L),
                    scan.stats.requestsByControl.getOrDefault(control.id(), 0L)));
        }
        BundleFacts facts = new BundleFacts(query, generatedAt, scan.firstSequence, scan.lastSequence, scan.stats,
                scan.chainProblem, plan.policy().version(), controls);

        try (Writer csv = new OutputStreamWriter(zip.file("controls.csv"), StandardCharsets.UTF_8)) {
            Csv.row(csv, "control_id", "title", "baselines", "rules", "decisions", "approval_requests");
            for (BundleFacts.ControlEvidence c : controls) {
                Csv.row(csv, c.control().id(), c.control().title(), String.join(";", c.control().baselines()),
                        String.join(";", c.rules()), Long.toString(c.decisions()), Long.toString(c.approvalRequests()));
            }
        }
        zip.closeFile();
        zip.file("assessment-results.json", PRETTY.writeValueAsBytes(Oscal.assessmentResults(facts)));
        zip.file("component-definition.json", PRETTY.writeValueAsBytes(Oscal.componentDefinition(facts)));
        zip.file("summary.html", SummaryHtml.render(facts).getBytes(StandardCharsets.UTF_8));

        Map<String, Object> population = new LinkedHashMap<>();
        population.put("selection", "contiguous entries from the first whose recordedAt (inside the hashed body) is at "
                + "or after from, up to the first recorded at or after to");
        population.put("previousSequence", scan.previousSequence);
        population.put("previousHash", "sha256:" + scan.previousHash);
        population.put("firstSequence", scan.firstSequence);
        population.put("lastSequence", scan.lastSequence);
        population.put("lastHash", "sha256:" + scan.lastHash);
        population.put("entries", scan.stats.entries);
        population.put("decisions", scan.stats.decisions);
        population.put("approvalEvents", scan.stats.approvalEvents);
        population.put("policyEvents", scan.stats.policyEvents);
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("format", BundleLayout.FORMAT);
        manifest.put("generatedAt", generatedAt);
        manifest.put("query", query.json());
        manifest.put("empty", facts.empty());
        manifest.put("note", facts.empty() ? "no decision log entry was recorded in this period" : null);
        manifest.put("population", population);
        manifest.put("chainProblem", scan.chainProblem);
        manifest.put("policyInForce", plan.policy().version());
        manifest.put("signingKey", checkpoints.publicKey());
        manifest.put("trustedCheckpointKeys", trustedKeys);
        manifest.put("files", zip.files().stream().map(BundleZip.FileSum::json).toList());
        byte[] manifestBytes = CanonicalJson.bytes(manifest);
        zip.unlisted(BundleLayout.MANIFEST, manifestBytes);
        zip.unlisted(BundleLayout.SIGNATURE, (checkpoints.sign(manifestBytes) + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The checkpoints from the entry before the population through its last entry, which verify-bundle
     * checks against the chain, and the nearest one on either side, whose signatures it checks.
     */
    private void writeCheckpoints(BundleZip zip, long from, long through) throws IOException {
        OutputStream out = zip.file(BundleLayout.CHECKPOINTS);
        String sql = "SELECT sequence, head_hash, signed_at, signature, public_key FROM log_checkpoint WHERE sequence = "
                + "(SELECT MAX(sequence) FROM log_checkpoint WHERE sequence < ?) OR (sequence >= ? AND sequence <= ?) "
                + "OR sequence = (SELECT MIN(sequence) FROM log_checkpoint WHERE sequence > ?) ORDER BY sequence";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, from);
            s.setLong(2, from);
            s.setLong(3, through);
            s.setLong(4, through);
            s.setFetchSize(1_000);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("sequence", rs.getLong(1));
                    line.put("headHash", rs.getString(2));
                    line.put("signedAt", rs.getString(3));
                    line.put("signature", rs.getString(4));
                    line.put("publicKey", rs.getString(5));
                    out.write(CanonicalJson.bytes(line));
                    out.write('\n');
                }
            }
        } catch (SQLException e) {
            throw new LogUnavailableException("cannot read checkpoints: " + e.getMessage(), e);
        }
        zip.closeFile();
    }

    /**
     * The files of every policy version that decided an entry of the population, where the service still
     * has them (the version in force), and for each version the log's record of when it was loaded.
     */
    private void writePolicies(BundleZip zip, Policy inForce, PopulationStats stats) throws IOException {
        List<Object> versions = new ArrayList<>();
        Map<String, List<Object>> loads = policyLoads();
        List<String> wanted = new ArrayList<>(stats.policyVersions.keySet());
        if (!wanted.contains(inForce.version())) {
            wanted.add(inForce.version());
        }
        for (String version : wanted) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("version", version);
            v.put("decisions", stats.policyVersions.getOrDefault(version, 0L));
            v.put("inForce", version.equals(inForce.version()));
            boolean have = version.equals(inForce.version());
            v.put("files", have ? BundleLayout.policyDir(version) : null);
            v.put("note", have ? "the rule, data, settings and mapping files; verify-bundle recomputes the version from them"
                    : "not available from the service, which keeps only the files of the version in force: check out the "
                            + "rules repository at the commit for which ./countersign check prints this version");
            v.put("loads", loads.getOrDefault(version, List.of()));
            versions.add(v);
            if (have) {
                for (Map.Entry<String, byte[]> file : inForce.files().entrySet()) {
                    zip.file(BundleLayout.policyDir(version) + file.getKey(), file.getValue());
                }
            }
        }
        zip.file(BundleLayout.POLICY_VERSIONS, PRETTY.writeValueAsBytes(Map.of("versions", versions)));
    }

    /** The log's policy load and reload entries, by the version they loaded (few: one per load). */
    private Map<String, List<Object>> policyLoads() throws IOException {
        Map<String, List<Object>> loads = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT e.sequence, e.body, e.hash FROM log_policy_entry p"
                        + " JOIN log_entry e ON e.sequence = p.sequence ORDER BY e.sequence");
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                byte[] stored = rs.getBytes(2);
                JsonNode body = JSON.readTree(stored);
                JsonNode entry = body.path("entry");
                String version = Population.text(entry, "policyVersion");
                if (version == null) {
                    continue;
                }
                Map<String, Object> load = new LinkedHashMap<>();
                load.put("sequence", rs.getLong(1));
                load.put("hash", "sha256:" + rs.getString(3));
                load.put("recordedAt", Population.text(body, "recordedAt"));
                load.put("event", Population.text(entry, "event"));
                load.put("by", Population.text(entry, "by"));
                load.put("previousVersion", Population.text(entry, "previousVersion"));
                load.put("body", new String(stored, StandardCharsets.UTF_8));
                loads.computeIfAbsent(version, k -> new ArrayList<>()).add(load);
            }
        } catch (SQLException e) {
            throw new LogUnavailableException("cannot read the log: " + e.getMessage(), e);
        }
        return loads;
    }

    /** The first sequence stored as recorded at or after {@code at}; one past the head when there is none. */
    private long firstSequenceFrom(Instant at, long head) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT MIN(sequence) FROM log_entry WHERE recorded_at >= ?")) {
            s.setTimestamp(1, Timestamp.from(at));
            try (ResultSet rs = s.executeQuery()) {
                long first = rs.next() ? rs.getLong(1) : 0;
                return first == 0 || rs.wasNull() ? head + 1 : Math.min(first, head + 1);
            }
        } catch (SQLException e) {
            throw new LogUnavailableException("cannot read the log: " + e.getMessage(), e);
        }
    }

    private String hashOf(long sequence) {
        if (sequence <= 0) {
            return HexFormat.of().formatHex(HashChain.GENESIS);
        }
        List<LogReader.StoredEntry> one = reader.page(sequence - 1, sequence, 1);
        if (one.isEmpty()) {
            throw new LogUnavailableException("entry " + sequence + " is missing from the log", null);
        }
        return one.get(0).hash();
    }

    private static Writer writer(Path file) throws IOException {
        return new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8), 1 << 16);
    }
}
