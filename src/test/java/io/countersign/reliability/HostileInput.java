package io.countersign.reliability;

import static io.countersign.policy.RequestRules.MAX_ACTION;
import static io.countersign.policy.RequestRules.MAX_ATTRIBUTES;
import static io.countersign.policy.RequestRules.MAX_ID;
import static io.countersign.policy.RequestRules.MAX_TEXT;
import static io.countersign.policy.RequestRules.MAX_WORD;
import static io.countersign.testing.Gen.weight;
import static io.countersign.testing.Properties.shown;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.countersign.testing.Gen;

/**
 * Hostile input for the property tests, in one place so that every surface is attacked with the same
 * material: strings with odd Unicode (NUL and other controls, bidi overrides, zero-width and format
 * characters, confusable lookalikes, surrogate pairs and lone surrogates, combining marks) and lengths
 * at the documented limits, numbers at every limit, decision request bodies (valid-shaped with hostile
 * values, or structurally broken), vote bodies and path ids, evidence query values, and policy test
 * files (random, mutated, bombs and tags).
 */
public final class HostileInput {
    /** Controls, bidi and format characters, a BOM, lone surrogates and odd spaces. */
    static final List<String> INVISIBLE = List.of("\u0000", "\u0001", "\u0007", "\u001b", "\u007f", "\u0085", "\u00ad",
            "\u061c", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202e", "\u2066", "\u2069", "\u2060",
            "\ufeff", "\ud800", "\udfff", "\t", "\n", "\r", "\u00a0", "\u2028", "\u3000");
    /** Legitimate but unusual: surrogate pairs, combining marks, right-to-left letters, CJK, a ligature, an emoji sequence. */
    static final List<String> EXOTIC = List.of("\ud83d\ude00", "\ud835\udc00", "e\u0301", "\u0301\u0301\u0301", "\u05d0",
            "\u0627", "\u4e2d", "\u00df", "\u0130", "\ufb01", "\u212a", "\ud83d\udc69\u200d\ud83d\udcbb");
    /** Strings that mean something to some other interpreter. */
    static final List<String> LOADED = List.of("", " ", "  x", "x ", "\u3000x", "null", "NaN", "-0", "true", "{}", "\\",
            "\"", "%00", "%2e%2e%2f", "../../etc/passwd", "${jndi:ldap://127.0.0.1:9/a}", "' OR '1'='1", "1; DROP TABLE log_entry",
            "<script>alert(1)</script>", "{{7*7}}", "\r\nX-Injected: 1");
    /** JSON numbers at every limit: zero and minus zero, ±2^53 and one beyond, ±2^63 and one beyond, doubles at their ends. */
    static final List<String> LIMIT_NUMBERS = List.of("0", "-0", "0.0", "-0.0", "1", "-1", "0.1", "1E2", "12e-1",
            "9007199254740991", "-9007199254740991", "9007199254740992", "9007199254740993", "-9007199254740993",
            "9007199254740993.0", "9223372036854775807", "-9223372036854775807", "9223372036854775808",
            "-9223372036854775808", "-9223372036854775809", "18446744073709551616", "123456789012345678901234567890", "1e308",
            "1.7976931348623157e308", "-1.7976931348623157e308", "1.7976931348623159e308", "1e309", "-1e400", "1E+400",
            "1e-400", "5e-324", "4.9e-324", "2.2250738585072014E-308", "1e999999999", "1e-999999999");
    /** Number-like texts that are not JSON numbers. */
    static final List<String> NOT_NUMBERS = List.of("NaN", "Infinity", "-Infinity", "+1", "01", ".5", "5.", "0x10", "1_000",
            "1e", "--1");
    /** Actions the shipped policy tests use: requests for them reach real rules. */
    static final List<String> ACTIONS = List.of("aws.s3.export", "bigquery.table.export", "terraform.apply", "terraform.plan",
            "iam.role.assign", "okta.role.assign", "github.pr.merge", "countersign.policy.update", "countersign.policy.get",
            "aws.s3.object.get", "vault.secret.get", "vault.secret.list", "network.route.update", "k8s.deployment.restart",
            "aws.ec2.instances.describe", "aws.s3.buckets.list", "reboot");
    static final List<String> WORDS = List.of("production", "staging", "dev", "public", "internal", "confidential", "restricted");
    static final List<String> DESTINATIONS = List.of("s3://corp-analytics-exports", "gs://corp-bi-warehouse-staging",
            "bigquery://corp-analytics.exports", "s3://attacker-bucket");
    /** Where a YAML tag that instantiated a class would leave its trace (the property checks it never appears). */
    public static final Path YAML_MARKER = Path.of("target/hostile-yaml-tag-ran").toAbsolutePath();
    /** The longest request line the HTTP layer reads (Vert.x's 4 KiB, less the rest of the line); see {@link #pathIds()}. */
    static final int MAX_SEGMENT = 3_000;

    private HostileInput() {
    }

    /** A request or vote body as sent: its bytes, shown as text with anything unprintable escaped. */
    public record Body(byte[] bytes) {
        public static Body of(String text) {
            return new Body(text.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return shown(new String(bytes, StandardCharsets.UTF_8), 600) + " (" + bytes.length + " bytes)";
        }
    }

    /** A policy test file: its text, and the encoding it is written in (not always UTF-8). */
    public record SuiteFile(String text, Charset charset) {
        public byte[] bytes() {
            return text.getBytes(charset);
        }

        @Override
        public String toString() {
            return charset + ": " + shown(text, 1_000);
        }
    }

    /**
     * A path segment naming an approval, made from the id of a real one: that id, a lookalike of it, or
     * something else entirely. Which one it names is decided by decoding the segment, not by its label.
     */
    public record PathId(String label, UnaryOperator<String> segment) {
        public String segmentFor(String realId) {
            return segment.apply(realId);
        }

        @Override
        public String toString() {
            return label + ": " + shown(segmentFor("0199a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b"), 200);
        }
    }

    /** A vote: the verb, whose token it carries (the approver's or the requester's), the id in the path, the body. */
    public record Vote(String verb, boolean approver, PathId id, Body body) {
    }

    /** Plain words with odd characters mixed in. */
    public static Gen<String> oddText() {
        Gen<String> piece = Gen.frequency(
                weight(4, Gen.strings(Gen.ALPHA + Gen.DIGITS + "-_.:@/ ", 0, 8)),
                weight(2, Gen.elements(INVISIBLE)),
                weight(2, lookalikes(Gen.strings(Gen.LOWER, 1, 6))),
                weight(2, Gen.elements(EXOTIC)));
        return piece.list(0, 8).map(pieces -> String.join("", pieces));
    }

    /**
     * Text at, just under and just over a length limit (a word, an action, an id, a text, a vote's comment);
     * a surrogate pair may be cut in half at the limit.
     */
    public static Gen<String> textAtLimits() {
        Gen<Integer> limit = Gen.elements(MAX_WORD, MAX_ACTION, MAX_ID, MAX_TEXT, 2_000);
        Gen<Integer> offset = Gen.ints(-1, 1);
        Gen<String> fill = Gen.elements("x", "\u00e9", "\ud83d\ude00", "a.", "\u202e");
        return r -> {
            int at = limit.next(r);
            return fill.next(r).repeat(at + 2).substring(0, at + offset.next(r));
        };
    }

    /** Any string a field might be sent: odd, at the limits, or loaded with meaning elsewhere. */
    public static Gen<String> hostileStrings() {
        return Gen.frequency(weight(4, oddText()), weight(2, textAtLimits()), weight(1, Gen.elements(LOADED)));
    }

    /**
     * {@code base} with one character swapped for a lookalike (Cyrillic, Greek, fullwidth) or its upper
     * case, or an invisible character slipped in before or after it.
     */
    public static Gen<String> lookalikes(Gen<String> base) {
        Gen<Integer> at = Gen.ints(0, 10_000);
        Gen<Integer> how = Gen.ints(0, 3);
        Gen<String> invisible = Gen.elements(INVISIBLE);
        return r -> lookalike(base.next(r), at.next(r), how.next(r), invisible.next(r));
    }

    static String lookalike(String value, int at, int how, String invisible) {
        if (value.isEmpty()) {
            return invisible;
        }
        int i = at % value.length();
        char c = value.charAt(i);
        String swapped = switch (how) {
            case 0 -> String.valueOf(Character.toUpperCase(c));
            case 1 -> confusable(c);
            case 2 -> c + invisible;
            default -> invisible + c;
        };
        return value.substring(0, i) + swapped + value.substring(i + 1);
    }

    /** A character that looks like {@code c}: a Cyrillic or Greek letter where one exists, else the fullwidth form. */
    static String confusable(char c) {
        return switch (c) {
            case 'a' -> "\u0430";
            case 'c' -> "\u0441";
            case 'e' -> "\u0435";
            case 'i' -> "\u0456";
            case 'o' -> "\u043e";
            case 'p' -> "\u0440";
            case 's' -> "\u0455";
            case 'x' -> "\u0445";
            case 'y' -> "\u0443";
            case 'K' -> "\u212a";
            case 'O' -> "\u039f";
            case '-' -> "\u2010";
            case '.' -> "\u2024";
            default -> c > ' ' && c < 0x7f ? String.valueOf((char) (0xff01 + c - '!')) : c + "\u0338";
        };
    }

    /** A number at a limit, a number-like text that is not JSON, or a run of digits around Jackson's 1000-digit limit. */
    public static Gen<String> numbers() {
        return Gen.frequency(weight(6, Gen.elements(LIMIT_NUMBERS)), weight(2, Gen.elements(NOT_NUMBERS)),
                weight(1, Gen.elements(15, 16, 17, 19, 20, 308, 999, 1_000, 1_001).map(n -> "9".repeat(n))));
    }

    /**
     * A decision request body with the right shape: half of them with an odd value in one field in forty
     * (so that many are decided and reach real rules), half with one in four. Odd values are hostile
     * strings, lookalikes of {@code callerId} where ids are compared with it, numbers at every limit,
     * nesting around the depth limits, wrong types, unknown keys; every value, odd or not, may carry
     * unusual but valid Unicode. A few bodies are nested deep or have thousands of keys.
     */
    public static Gen<String> decisionBodies(String callerId) {
        return Gen.frequency(weight(6, requestBodies(callerId, 40)), weight(6, requestBodies(callerId, 4)),
                weight(1, deeplyNested()), weight(1, manyKeys()));
    }

    /** Request bodies in which each value is odd once in {@code odds}. */
    static Gen<String> requestBodies(String callerId, int odds) {
        Gen<String> id = id(callerId, odds);
        Gen<String> resource = object(
                member("type", id, 0.7),
                member("id", id, 0.8),
                member("environment", word(odds), 0.8),
                member("classification", word(odds), 0.6),
                member("attributes", attributes(callerId, odds), 0.7));
        Gen<String> artifact = object(
                member("type", id, 0.8),
                member("digest", id, 0.8),
                member("summary", text(odds), 0.5),
                member("link", id, 0.3));
        Gen<String> context = object(
                member("reason", text(odds), 0.7),
                member("ticket", id, 0.5),
                member("artifact", odd(artifact, wrongType(), odds), 0.3),
                member("attributes", attributes(callerId, odds), 0.3));
        return object(
                member("action", action(odds), 1.0),
                member("resource", odd(resource, wrongType(), odds), 0.85),
                member("onBehalfOf", id, 0.5),
                member("context", odd(context, wrongType(), odds), 0.5),
                member("approvalId", id, 0.05),
                member("caller", Gen.constant("{\"id\":" + quote(callerId) + ",\"type\":\"human\"}"), 0.1 / odds),
                member("priority", numbers(), 0.1 / odds));
    }

    /** {@code good}, and once in {@code odds} {@code bad}. */
    static Gen<String> odd(Gen<String> good, Gen<String> bad, int odds) {
        return Gen.frequency(weight(odds, good), weight(1, bad));
    }

    /** A value that is not a string or not a string at all: for any string field. */
    static Gen<String> oddString() {
        return Gen.frequency(weight(4, hostileStrings().map(HostileInput::quote)), weight(1, wrongType()));
    }

    /** Plain words with unusual but valid characters: a surrogate pair, a combining mark, a right-to-left letter. */
    static Gen<String> unusual(Gen<String> plain) {
        Gen<String> exotic = Gen.elements(EXOTIC);
        return Gen.frequency(weight(3, plain), weight(1, r -> plain.next(r) + exotic.next(r)));
    }

    static Gen<String> action(int odds) {
        Gen<String> known = Gen.elements(ACTIONS);
        return odd(known.map(HostileInput::quote), Gen.oneOf(lookalikes(known).map(HostileInput::quote), oddString()), odds);
    }

    /** An id: plausible, the caller itself or a lookalike of it (Cyrillic letters are valid in ids), or odd. */
    static Gen<String> id(String callerId, int odds) {
        Gen<String> plausible = unusual(Gen.strings(Gen.ALPHA + Gen.DIGITS + "-_.:@/", 1, 40));
        Gen<String> good = Gen.frequency(weight(5, plausible), weight(1, Gen.constant(callerId)),
                weight(2, callerLookalikes(callerId)));
        return odd(good.map(HostileInput::quote), Gen.oneOf(lookalikes(Gen.constant(callerId)).map(HostileInput::quote),
                oddString()), odds);
    }

    /** {@code callerId} with one character in upper case or swapped for a lookalike: still a valid id. */
    static Gen<String> callerLookalikes(String callerId) {
        Gen<Integer> at = Gen.ints(0, 100);
        Gen<Integer> how = Gen.ints(0, 1);
        return r -> lookalike(callerId, at.next(r), how.next(r), "");
    }

    static Gen<String> word(int odds) {
        return odd(Gen.elements(WORDS).map(HostileInput::quote),
                Gen.oneOf(lookalikes(Gen.elements(WORDS)).map(HostileInput::quote), oddString()), odds);
    }

    static Gen<String> text(int odds) {
        return odd(unusual(Gen.strings(Gen.ALPHA + " .,\n\t", 0, 60)).map(HostileInput::quote), oddString(), odds);
    }

    /**
     * Attributes: the destinations and principals rules read (the caller, lookalikes of it), numbers,
     * nested values; once in {@code odds} a hostile key or value, a number at a limit, nesting around the
     * depth limit (4) or a mapping around the size limit (64).
     */
    static Gen<String> attributes(String callerId, int odds) {
        Gen<String> key = odd(Gen.elements("destination", "principal", "region", "bucket", "n", "secret-note"),
                Gen.oneOf(hostileStrings(), Gen.strings(Gen.ALPHA + Gen.DIGITS + "._-", 126, 130)), odds);
        Gen<String> leaf = odd(Gen.frequency(
                        weight(3, Gen.elements(DESTINATIONS).map(HostileInput::quote)),
                        weight(2, Gen.oneOf(Gen.constant(callerId), callerLookalikes(callerId)).map(HostileInput::quote)),
                        weight(2, Gen.elements(LIMIT_NUMBERS)),
                        weight(1, Gen.elements("true", "false", "null"))),
                Gen.oneOf(numbers(), oddString()), odds);
        Gen<String> value = Gen.recursive(leaf,
                inner -> Gen.oneOf(entries(key, inner, 0, 3), inner.list(0, 3).map(HostileInput::array)), 0, odds > 4 ? 2 : 5);
        Gen<String> wide = Gen.ints(MAX_ATTRIBUTES - 1, MAX_ATTRIBUTES + 2)
                .map(n -> "{" + IntStream.range(0, n).mapToObj(i -> "\"k" + i + "\":" + i).collect(Collectors.joining(",")) + "}");
        return odd(entries(key, value, 0, 4), Gen.oneOf(wide, wrongType()), odds);
    }

    /** Objects and lists nested around the document's depth limit (32) and the attributes' (4). */
    static Gen<String> deeplyNested() {
        Gen<Integer> depths = Gen.ints(2, 36);
        Gen<String> opens = Gen.elements("{\"a\":", "[");
        Gen<Boolean> inAttributes = Gen.elements(true, false);
        return r -> {
            int depth = depths.next(r);
            String open = opens.next(r);
            String close = open.equals("[") ? "]" : "}";
            String nested = open.repeat(depth) + "1" + close.repeat(depth);
            return inAttributes.next(r)
                    ? "{\"action\":\"terraform.plan\",\"resource\":{\"attributes\":{\"x\":" + nested + "}}}"
                    : "{\"action\":\"terraform.plan\",\"context\":" + nested + "}";
        };
    }

    /** A body with many keys: top-level unknown ones, or as many attributes as fit in 64 KiB. */
    static Gen<String> manyKeys() {
        return Gen.ints(10, 4_000).map(n -> "{\"action\":\"terraform.plan\",\"resource\":{\"attributes\":{"
                + IntStream.range(0, n).mapToObj(i -> "\"k" + i + "\":" + i).collect(Collectors.joining(",")) + "}}}");
    }

    /** A value of the wrong type for any field. */
    static Gen<String> wrongType() {
        return Gen.elements("42", "-0", "1e400", "true", "null", "[]", "{}", "[\"x\"]", "{\"x\":1}", "\"\"", "[[[]]]");
    }

    static Gen<Optional<String>> member(String key, Gen<String> value, double presence) {
        return value.map(v -> quote(key) + ":" + v).optional(presence);
    }

    @SafeVarargs
    static Gen<String> object(Gen<Optional<String>>... members) {
        return r -> Arrays.stream(members).map(m -> m.next(r)).flatMap(Optional::stream).collect(Collectors.joining(",", "{", "}"));
    }

    /** A JSON object of {@code min} to {@code max} members with distinct keys (duplicate keys are a case of their own). */
    static Gen<String> entries(Gen<String> key, Gen<String> value, int min, int max) {
        return Gen.maps(key, value, min, max).map(members -> members.entrySet().stream()
                .map(m -> quote(m.getKey()) + ":" + m.getValue()).collect(Collectors.joining(",", "{", "}")));
    }

    static String array(List<String> items) {
        return "[" + String.join(",", items) + "]";
    }

    /** {@code value} as a JSON string: quotes, backslashes, controls and unpaired surrogates escaped, the rest raw. */
    public static String quote(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || (Character.isSurrogate(c) && !paired(value, i))) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private static boolean paired(String value, int i) {
        char c = value.charAt(i);
        return Character.isHighSurrogate(c) ? i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(value.charAt(i - 1));
    }

    /** Bytes that break JSON or its UTF-8 wherever they land: stray tokens, NUL, BOMs, invalid UTF-8 sequences. */
    static final List<byte[]> GARBAGE = Stream.concat(
            Stream.of("}", "{", "]", "[", ",", ":", "\"", "\\", "\u0000", "NaN", "//c\n", "/*", " {} ",
                    "\"action\":\"terraform.plan\",", "\ufeff").map(s -> s.getBytes(StandardCharsets.UTF_8)),
            Stream.of("ff", "c0af", "eda080", "c328", "80", "f888808080", "fffe", "e282").map(HexFormat.of()::parseHex))
            .toList();

    /** {@code text} broken once: truncated, a byte dropped, or garbage inserted, appended, prepended or put in a byte's place. */
    static Gen<Body> broken(Gen<String> text) {
        Gen<Integer> at = Gen.ints(0, 100_000);
        Gen<Breakage> how = Gen.elements(Breakage.values());
        Gen<byte[]> garbage = Gen.elements(GARBAGE);
        return r -> {
            byte[] body = text.next(r).getBytes(StandardCharsets.UTF_8);
            return new Body(how.next(r).apply(body, at.next(r), garbage.next(r)));
        };
    }

    /** How a body is broken. */
    enum Breakage {
        TRUNCATE, INSERT, REPLACE, APPEND, PREPEND, DROP;

        byte[] apply(byte[] body, int at, byte[] garbage) {
            int i = body.length == 0 ? 0 : at % body.length;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            switch (this) {
                case TRUNCATE -> out.write(body, 0, i);
                case INSERT -> {
                    out.write(body, 0, i);
                    out.writeBytes(garbage);
                    out.write(body, i, body.length - i);
                }
                case REPLACE -> {
                    out.write(body, 0, i);
                    out.writeBytes(garbage);
                    out.write(body, Math.min(body.length, i + 1), Math.max(0, body.length - i - 1));
                }
                case APPEND -> {
                    out.writeBytes(body);
                    out.writeBytes(garbage);
                }
                case PREPEND -> {
                    out.writeBytes(garbage);
                    out.writeBytes(body);
                }
                case DROP -> {
                    out.write(body, 0, i);
                    out.write(body, Math.min(body.length, i + 1), Math.max(0, body.length - i - 1));
                }
            }
            return out.toByteArray();
        }
    }

    /** Bodies that are not a JSON object of a request, as text. */
    static final List<String> NOT_REQUESTS = List.of("", " ", "\n\t", "[]", "[{\"action\":\"terraform.plan\"}]", "42", "-0",
            "1e400", "\"terraform.plan\"", "true", "null", "{", "}", "{}", "{\"action\"}", "{'action':'terraform.plan'}",
            "{action:\"terraform.plan\"}", "{\"action\":\"terraform.plan\",}", "/* c */{\"action\":\"terraform.plan\"}",
            "{\"action\":NaN}", "{\"action\":\"terraform.plan\"}\u0000", "{\"action\":\"terraform.plan\"} {}",
            "{\"action\":\"terraform.plan\",\"action\":\"aws.s3.export\"}",
            "{\"action\":\"terraform.plan\",\"resource\":{\"id\":\"a\",\"id\":\"b\"}}",
            "{\"action\":\"terraform.plan\",\"resource\":{\"attributes\":{\"k\":1,\"k\":2}}}",
            "{\"\u0000action\":\"terraform.plan\"}", "{\"action\u200b\":\"terraform.plan\"}", "[".repeat(2_000),
            "{\"a\":".repeat(1_200) + "1" + "}".repeat(1_200), "\"" + "x".repeat(60_000) + "\"");

    /**
     * Bodies broken in structure or encoding: a request truncated, with garbage inserted, replaced,
     * appended or prepended (stray tokens, NUL, a BOM, invalid UTF-8 bytes), or not a request object at all
     * (empty, a list, a number, comments, single quotes, duplicate keys, trailing content, another
     * encoding), or over the 64 KiB limit.
     */
    public static Gen<Body> brokenBodies(String callerId) {
        Gen<Body> notRequests = Gen.elements(NOT_REQUESTS).map(Body::of);
        Gen<Body> otherEncodings = Gen.elements(StandardCharsets.UTF_16, StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE,
                Charset.forName("UTF-32"), StandardCharsets.ISO_8859_1)
                .map(charset -> new Body("{\"action\":\"terraform.plan\",\"onBehalfOf\":\"\u00e9\"}".getBytes(charset)));
        // 51 bytes around the reason: a body of exactly 64 KiB, one byte over, far over.
        Gen<Body> oversized = Gen.elements(64 * 1024 - 51, 64 * 1024 - 50, 100 * 1024)
                .map(n -> Body.of("{\"action\":\"terraform.plan\",\"context\":{\"reason\":\"" + "x".repeat(n) + "\"}}"));
        return Gen.frequency(weight(8, broken(decisionBodies(callerId))), weight(4, notRequests), weight(1, otherEncodings),
                weight(1, oversized));
    }

    /**
     * Votes: approve, deny or cancel, by the approver or the requester, at an id that is the real
     * request's, a lookalike of it, or something else, with a body that may be anything.
     */
    public static Gen<Vote> votes() {
        Gen<String> comment = odd(unusual(Gen.strings(Gen.ALPHA + " .", 0, 40)).map(HostileInput::quote),
                Gen.oneOf(textAtLimits().map(HostileInput::quote), oddString()), 2);
        Gen<String> vote = object(member("comment", comment, 0.8),
                member("breakGlass", odd(Gen.elements("true", "false"), wrongType(), 6), 0.15),
                member("vote", Gen.constant("\"approve\""), 0.03));
        Gen<Body> body = Gen.frequency(weight(6, vote.map(Body::of)), weight(2, Gen.elements(NOT_REQUESTS).map(Body::of)),
                weight(2, broken(vote)));
        Gen<String> verb = Gen.elements("approve", "deny", "cancel");
        Gen<Boolean> approver = Gen.elements(true, false);
        Gen<PathId> id = pathIds();
        return r -> new Vote(verb.next(r), approver.next(r), id.next(r), body.next(r));
    }

    /**
     * Ids in a path: the real id, the same id spelled with percent escapes, lookalikes of it (case,
     * confusables, invisible characters, one character more or less), hostile text, or raw segments that
     * the HTTP layer must decode (NUL, an encoded slash, dot segments, invalid UTF-8, malformed escapes).
     * Segments stay under {@link #MAX_SEGMENT} characters: over Vert.x's 4 KiB request line the HTTP
     * layer answers 414 without a body, before any of Countersign's code runs.
     */
    public static Gen<PathId> pathIds() {
        Gen<PathId> real = Gen.elements(new PathId("the real id", HostileInput::encode),
                new PathId("the real id, every character escaped", id -> encodeAll(id)));
        Gen<Integer> ats = Gen.ints(0, 100);
        Gen<Integer> hows = Gen.ints(0, 3);
        Gen<String> invisibles = Gen.elements(INVISIBLE);
        Gen<PathId> lookalike = r -> {
            int at = ats.next(r);
            int how = hows.next(r);
            String invisible = invisibles.next(r);
            return new PathId("a lookalike (" + how + " at " + at + ")", id -> encode(lookalike(id, at, how, invisible)));
        };
        Gen<PathId> edited = Gen.elements(new PathId("upper case", id -> encode(id.toUpperCase())),
                new PathId("one character short", id -> encode(id.substring(0, id.length() - 1))),
                new PathId("one character more", id -> encode(id + "0")),
                new PathId("a trailing space", id -> encode(id + " ")),
                new PathId("the real id twice", id -> encode(id + id)),
                new PathId("with a matrix parameter", id -> encode(id) + ";v=1"));
        // Not "", "." or "..": those are path syntax (the collection, or a dot segment the HTTP layer resolves), not ids.
        Gen<PathId> hostile = hostileStrings().filter(s -> !s.isEmpty() && !s.equals(".") && !s.equals(".."))
                .map(s -> new PathId("hostile text", id -> encode(s)));
        Gen<PathId> raw = Gen.elements("%00", "a%00b", "%2F", "%2e%2e", "..;", "%252F", "%C3%28", "%FF", "%E2%80%AE",
                "%ED%A0%80", "%0D%0A", "%zz", "%E2%8", "%", "%u0041", "x".repeat(MAX_SEGMENT))
                .map(s -> new PathId("raw segment", id -> s));
        return Gen.frequency(weight(3, real), weight(4, lookalike), weight(2, edited), weight(3, hostile), weight(2, raw));
    }

    /** {@code id} percent-encoded as one path segment (only unreserved characters stay), cut to {@link #MAX_SEGMENT}. */
    static String encode(String id) {
        StringBuilder out = new StringBuilder();
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (out.length() > MAX_SEGMENT - 3) {
                break;
            }
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append(String.format("%%%02X", c));
            }
        }
        return out.toString();
    }

    static String encodeAll(String id) {
        StringBuilder out = new StringBuilder();
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            out.append(String.format("%%%02x", b & 0xff));
        }
        return out.toString();
    }

    /**
     * The id the service reads from a path segment: the segment up to its first {@code ;} (what follows
     * is a matrix parameter to JAX-RS), percent-decoded; null when that is not well-formed (a bad escape,
     * invalid UTF-8).
     */
    public static String decode(String segment) {
        if (segment.indexOf(';') >= 0) {
            return decode(segment.substring(0, segment.indexOf(';')));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c != '%') {
                bytes.write(c);
                continue;
            }
            if (i + 2 >= segment.length()) {
                return null;
            }
            try {
                bytes.write(Integer.parseInt(segment.substring(i + 1, i + 3), 16));
            } catch (NumberFormatException e) {
                return null;
            }
            i += 2;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    /**
     * Query strings for {@code GET /v1/evidence}: from, to, framework and control each well-formed, hostile,
     * repeated or missing; periods short, reversed, empty, longer than a bundle may cover, or at the ends
     * of the time line. Valid periods are a few days around {@code today}, so that a bundle stays small.
     */
    public static Gen<String> evidenceQueries(LocalDate today) {
        Gen<LocalDate> day = Gen.ints(-3, 1).map(today::plusDays);
        Gen<String> timeOfDay = Gen.elements("T00:00:00Z", "T12:30:00.123456789Z", "T00:00:00+18:00", "T00:00:00-18:00",
                "T23:59:59.999999999-01:00");
        Gen<String> time = Gen.frequency(
                weight(4, day.map(LocalDate::toString)),
                weight(2, r -> day.next(r) + timeOfDay.next(r)),
                weight(2, Gen.elements("2026-02-30", "2026-13-01", "0000-00-00", "0000-01-01", "9999-12-31",
                        "+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z", "+1000000000-01-01T00:00:00Z",
                        "2026-07-01T25:00:00Z", "2026-07-01T00:00:00", "2026-07-01T00:00:00+18:01", "2026-07-01 00:00:00Z",
                        "1e9", "now", "2026-07-01'; DROP TABLE log_entry; --", "\uff12\uff10\uff12\uff16-01-01")),
                weight(2, hostileStrings()));
        Gen<String> framework = Gen.frequency(weight(4, Gen.elements("SOC2", "ISO27001", "FEDRAMP", "soc2", " FedRAMP ")),
                weight(1, lookalikes(Gen.elements("SOC2", "ISO27001", "FEDRAMP"))), weight(1, hostileStrings()));
        Gen<String> control = Gen.frequency(weight(2, Gen.elements("CC6.1", "SOC2:CC6.1", "A.8.12",
                "ISO27001:A.8.12", "FEDRAMP:AC-6(9)", "AC-3")), weight(1, hostileStrings()));
        List<Gen<String>> params = List.of(param("from", time, 0.95), param("to", time, 0.95), param("framework", framework, 0.9),
                param("control", control, 0.2), param("from", time, 0.05));
        // Over Vert.x's 4 KiB request line the HTTP layer answers a bare 414 before any of Countersign's code
        // runs (see pathIds): queries stay under it, as path segments do.
        Gen<String> joined = r -> params.stream().map(p -> p.next(r)).filter(p -> !p.isEmpty()).collect(Collectors.joining("&"));
        Gen<String> whole = joined.filter(query -> query.length() <= MAX_SEGMENT);
        Gen<Integer> longDays = Gen.elements(365, 366, 367, 10_000, 3_000_000);
        Gen<String> longFramework = Gen.elements("SOC2", "FEDRAMP");
        Gen<String> longPeriods = r -> "from=" + today.minusDays(longDays.next(r)) + "&to=" + today + "&framework="
                + longFramework.next(r);
        return Gen.frequency(weight(9, whole), weight(1, longPeriods));
    }

    static Gen<String> param(String name, Gen<String> value, double presence) {
        return value.map(v -> name + "=" + encode(v)).optional(presence).map(p -> p.orElse(""));
    }

    /** What gets slipped into YAML: anchors, aliases (one undefined), tags, directives, flow and block markers, controls. */
    static final List<String> YAML_TOKENS = List.of("&a ", "*a", "*undefined", "!!java.io.FileOutputStream [\"" + YAML_MARKER + "\"] ",
            ": ", "- ", "\t", "---\n", "...\n", "%YAML 1.1\n", "%TAG ! tag:evil.example,2000:\n", "{", "}", "[", "]", "'", "\"",
            "#", "|", ">-", "? ", "\u0000", "\ufeff", "\u202e", "\u0085", "\n  ", "<<: *a", "@", "`", "~", "!!binary ", "!!str ",
            "!!int ", "!!float ", "!!timestamp ", "!custom ", "0x1F", ".nan", "1e400", "9223372036854775808");

    /** Tagged values that would run code or make odd objects if a loader honoured them. */
    static final List<String> TAGGED = List.of("!!java.io.FileOutputStream [\"" + YAML_MARKER + "\"]",
            "!!java.lang.ProcessBuilder [[\"touch\", \"" + YAML_MARKER + "\"]]",
            "!!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://127.0.0.1:9/\"]]]]",
            "!<tag:yaml.org,2002:java.io.FileOutputStream> [\"" + YAML_MARKER + "\"]", "!!binary aGVsbG8=", "!!set {a, b}",
            "!!omap [a: 1]", "!!timestamp 2001-12-14", "!!float .nan", "!!int 0x1F", "!!str 5", "!!null ''", "!!bool yes",
            "!custom x", "!!map {}", "!!seq []", "{<<: {action: terraform.plan}}", "{? [complex, key] : v}");

    /**
     * Policy test files: shipped suites mutated a few times, generated suites with hostile scalars and
     * wrong types, alias bombs (billion laughs), recursive aliases, nesting around the depth limit, huge
     * scalars, many cases, tags that name Java classes; mostly UTF-8, sometimes Latin-1 or UTF-16.
     */
    public static Gen<SuiteFile> policySuites() {
        Gen<String> text = Gen.frequency(weight(4, mutatedSuites()), weight(4, generatedSuites()), weight(2, bombs()),
                weight(1, manyCases()));
        Gen<Charset> charset = Gen.frequency(weight(12, Gen.constant(StandardCharsets.UTF_8)),
                weight(1, Gen.elements(StandardCharsets.ISO_8859_1, StandardCharsets.UTF_16)));
        return r -> new SuiteFile(text.next(r), charset.next(r));
    }

    static Gen<String> mutatedSuites() {
        Gen<Integer> how = Gen.ints(0, 5);
        Gen<Integer> at = Gen.ints(0, 100_000);
        Gen<Integer> span = Gen.ints(1, 40);
        Gen<String> token = Gen.elements(YAML_TOKENS);
        Gen<UnaryOperator<String>> mutation = r -> {
            int h = how.next(r);
            int a = at.next(r);
            int s = span.next(r);
            String t = token.next(r);
            return text -> mutate(text, h, a, s, t);
        };
        Gen<String> suites = Gen.elements(shippedSuites());
        Gen<List<UnaryOperator<String>>> mutations = mutation.list(1, 3);
        return r -> {
            String text = suites.next(r);
            for (UnaryOperator<String> m : mutations.next(r)) {
                text = m.apply(text);
            }
            return text;
        };
    }

    /** One edit: insert a token, delete a span, duplicate or drop a line, shift its indentation, or truncate. */
    static String mutate(String text, int how, int at, int span, String token) {
        int i = text.isEmpty() ? 0 : at % text.length();
        int lineStart = text.lastIndexOf('\n', Math.max(0, i - 1)) + 1;
        int lineEnd = text.indexOf('\n', i) < 0 ? text.length() : text.indexOf('\n', i) + 1;
        return switch (how) {
            case 0 -> text.substring(0, i) + token + text.substring(i);
            case 1 -> text.substring(0, i) + text.substring(Math.min(text.length(), i + span));
            case 2 -> text.substring(0, lineEnd) + text.substring(lineStart, lineEnd) + text.substring(lineEnd);
            case 3 -> text.substring(0, lineStart) + text.substring(lineEnd);
            case 4 -> text.substring(0, lineStart) + " ".repeat(span % 3 + 1) + text.substring(lineStart);
            default -> text.substring(0, i);
        };
    }

    /** A suite of one to three cases, with a hostile or tagged scalar, a number at a limit, or a wrong type in any field. */
    static Gen<String> generatedSuites() {
        Gen<String> scalar = Gen.frequency(weight(6, hostileStrings().map(HostileInput::yamlScalar)),
                weight(2, numbers()), weight(1, Gen.elements(TAGGED)),
                weight(1, Gen.elements("", "~", "null", "[]", "{}", "[a, b]", "{x: 1}", "yes", "no", "on")));
        Gen<String> action = Gen.frequency(weight(4, Gen.elements(ACTIONS)), weight(1, scalar));
        Gen<String> type = Gen.elements("agent", "human", "robot");
        Gen<String> outcome = Gen.frequency(weight(4, Gen.elements("ALLOW", "REQUIRE_APPROVAL", "DENY")),
                weight(1, Gen.elements("allow", "MAYBE", "Deny")), weight(1, scalar));
        Gen<String> quorum = Gen.frequency(weight(3, Gen.elements("1", "2", "20")),
                weight(1, Gen.elements("0", "21", "-1", "2147483648", "1_0", "0x2", "1.0", "9".repeat(30))), weight(1, scalar));
        Gen<String> testCase = r -> testCase(scalar.next(r), action.next(r), scalar.next(r), type.next(r), scalar.next(r),
                scalar.next(r), outcome.next(r), quorum.next(r));
        return testCase.list(1, 3).map(cases -> "tests:\n" + String.join("", cases));
    }

    /** One case of a generated suite; {@code extra} lands in several fields. */
    static String testCase(String note, String act, String callerId, String type, String attribute, String extra, String want,
            String q) {
        return """
                          - note: %s
                            input:
                              action: %s
                              caller: {id: %s, type: %s, groups: [agents, %s]}
                              resource:
                                type: s3-bucket
                                id: %s
                                environment: production
                                attributes: {destination: %s, n: %s}
                            want:
                              outcome: %s
                              rules: [%s]
                              quorum: %s
                        """.formatted(note, act, callerId, type, extra, callerId, attribute, extra, want, extra, q);
    }

    /** A scalar written the ways YAML allows: double-quoted with escapes, single-quoted, or plain. */
    static String yamlScalar(String value) {
        int style = Math.floorMod(value.hashCode(), 3);
        if (style == 0) {
            StringBuilder out = new StringBuilder("\"");
            value.codePoints().forEach(cp -> {
                if (cp == '"' || cp == '\\') {
                    out.append('\\').appendCodePoint(cp);
                } else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || (cp >= 0xd800 && cp <= 0xdfff)
                        || cp == 0xfeff) {
                    out.append(String.format("\\u%04x", cp));
                } else {
                    out.appendCodePoint(cp);
                }
            });
            return out.append('"').toString();
        }
        return style == 1 ? "'" + value.replace("'", "''") + "'" : value;
    }

    /**
     * Documents that cost far more to read than to write: alias bombs (levels of lists each repeating the
     * one before), recursive aliases, nesting around the depth limit (32), huge scalars.
     */
    static Gen<String> bombs() {
        Gen<Integer> levels = Gen.ints(2, 24);
        Gen<Integer> width = Gen.ints(2, 9);
        Gen<String> where = Gen.elements("attributes", "groups", "top");
        Gen<String> laughs = r -> aliasBomb(levels.next(r), width.next(r), where.next(r));
        Gen<String> recursive = Gen.elements("&r {k: *r}", "&r [*r]", "&r [a, [b, *r]]", "&r {k: [*r, *r]}")
                .map(value -> suite("attributes: " + value));
        Gen<Integer> depths = Gen.ints(24, 40);
        Gen<Boolean> flow = Gen.elements(true, false);
        Gen<String> deep = r -> {
            int depth = depths.next(r);
            return flow.next(r) ? suite("attributes: {k: " + "[".repeat(depth) + "x" + "]".repeat(depth) + "}")
                    : "tests:\n" + IntStream.range(0, depth).mapToObj(i -> "  ".repeat(i + 1) + "- k:\n")
                            .collect(Collectors.joining()) + "  ".repeat(depth + 2) + "x\n";
        };
        Gen<Integer> sizes = Gen.elements(4_001, 100_000, 1_000_000);
        Gen<Boolean> inNote = Gen.elements(true, false);
        Gen<String> huge = r -> {
            int n = sizes.next(r);
            return inNote.next(r) ? suite("attributes: {}").replace("note: a hostile case", "note: " + "n".repeat(n))
                    : suite("attributes: {note: " + "x".repeat(n) + "}");
        };
        return Gen.oneOf(laughs, recursive, deep, huge);
    }

    /** A billion-laughs document: {@code levels} lists, each holding {@code width} aliases of the one before. */
    static String aliasBomb(int levels, int width, String where) {
        StringBuilder lists = new StringBuilder();
        lists.append("l0: &l0 [").append(String.join(", ", java.util.Collections.nCopies(width, "lol"))).append("]\n");
        for (int i = 1; i <= levels; i++) {
            lists.append("l").append(i).append(": &l").append(i).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(width, "*l" + (i - 1)))).append("]\n");
        }
        return switch (where) {
            case "attributes" -> suite("attributes:\n" + lists.toString().indent(10).stripTrailing());
            case "groups" -> "bombs:\n" + lists.toString().indent(2) + suite("attributes: {}")
                    .replace("groups: [agents]", "groups: *l" + levels);
            default -> lists + suite("attributes: {}");
        };
    }

    /** A suite of one case whose resource ends with {@code resourceLine}. */
    static String suite(String resourceLine) {
        return """
                tests:
                  - note: a hostile case
                    input:
                      action: terraform.plan
                      caller: {id: "agent:bot", type: agent, groups: [agents]}
                      resource:
                        type: workspace
                        %s
                    want:
                      outcome: ALLOW
                """.formatted(resourceLine.indent(8).strip());
    }

    /** Many small cases, each with its own note. */
    static Gen<String> manyCases() {
        return Gen.elements(100, 2_000).map(n -> "tests:\n" + IntStream.range(0, n).mapToObj(i -> """
                  - note: case %d
                    input: {action: terraform.plan, caller: {id: "agent:bot", type: agent}}
                    want: {outcome: ALLOW}
                """.formatted(i)).collect(Collectors.joining()));
    }

    /** The shipped suites (read from the working directory, the project's root), as the mutations' starting points. */
    private static List<String> shippedSuites() {
        try (Stream<Path> files = Files.walk(Path.of("policy-tests"))) {
            List<String> suites = new ArrayList<>();
            for (Path file : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                suites.add(Files.readString(file));
            }
            return suites;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
