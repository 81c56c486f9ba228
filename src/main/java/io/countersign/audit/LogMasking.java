package io.countersign.audit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Masks and erases configured request fields before a request is logged (OPA's decision-log
 * {@code masked}/{@code erased}). Paths are dotted; {@code *} matches any one key. The entry lists the
 * concrete paths that were affected, so an auditor knows what is missing and why.
 */
@ApplicationScoped
public class LogMasking {
    public static final String MASK = "***";

    /** The request to log and the paths changed. */
    public record Masked(Map<String, Object> request, List<String> masked, List<String> erased) {
    }

    private final List<String[]> maskPaths;
    private final List<String[]> erasePaths;

    @Inject
    LogMasking(LogConfig config) {
        this(config.mask().orElse(List.of()), config.erase().orElse(List.of()));
    }

    public LogMasking(List<String> mask, List<String> erase) {
        this.maskPaths = mask.stream().map(p -> p.strip().split("\\.")).toList();
        this.erasePaths = erase.stream().map(p -> p.strip().split("\\.")).toList();
    }

    public Masked apply(Map<String, Object> request) {
        if (maskPaths.isEmpty() && erasePaths.isEmpty()) {
            return new Masked(request, List.of(), List.of());
        }
        Map<String, Object> copy = deepCopy(request);
        TreeSet<String> erased = new TreeSet<>();
        TreeSet<String> masked = new TreeSet<>();
        for (String[] path : erasePaths) {
            walk(copy, path, 0, "", erased, true);
        }
        for (String[] path : maskPaths) {
            walk(copy, path, 0, "", masked, false);
        }
        return new Masked(copy, new ArrayList<>(masked), new ArrayList<>(erased));
    }

    @SuppressWarnings("unchecked")
    private static void walk(Map<String, Object> node, String[] path, int at, String prefix, TreeSet<String> hits,
            boolean erase) {
        List<String> keys = path[at].equals("*") ? new ArrayList<>(node.keySet()) : List.of(path[at]);
        for (String key : keys) {
            if (!node.containsKey(key)) {
                continue;
            }
            String here = prefix.isEmpty() ? key : prefix + "." + key;
            if (at == path.length - 1) {
                if (erase) {
                    node.remove(key);
                } else {
                    node.put(key, MASK);
                }
                hits.add(here);
            } else if (node.get(key) instanceof Map<?, ?> child) {
                walk((Map<String, Object>) child, path, at + 1, here, hits, erase);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> deepCopy(Map<String, Object> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(k, v instanceof Map<?, ?> m ? deepCopy((Map<String, Object>) m)
                : v instanceof List<?> l ? new ArrayList<>(l) : v));
        return copy;
    }
}
