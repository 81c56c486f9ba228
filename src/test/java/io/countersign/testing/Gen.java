package io.countersign.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

/**
 * A generator of test samples: everything it makes comes from the random source it is given, so that a
 * seed reproduces it (see {@link Properties}). Values of several generators are combined in a lambda,
 * {@code r -> f(a.next(r), b.next(r))}; the methods here cover the rest.
 */
@FunctionalInterface
public interface Gen<T> {
    /** How often a number or a length is one of its edge values rather than any value in its range. */
    double EDGES = 0.1;
    String LOWER = "abcdefghijklmnopqrstuvwxyz";
    String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    String ALPHA = UPPER + LOWER;
    String DIGITS = "0123456789";

    T next(SplittableRandom random);

    /** One generator, with how often it is chosen relative to the others: see {@link #frequency}. */
    record Weighted<T>(int weight, Gen<? extends T> gen) {
    }

    static <T> Weighted<T> weight(int weight, Gen<? extends T> gen) {
        return new Weighted<>(weight, gen);
    }

    static <T> Gen<T> constant(T value) {
        return random -> value;
    }

    /** One of {@code values}, each as likely. */
    @SafeVarargs
    static <T> Gen<T> elements(T... values) {
        return elements(List.of(values));
    }

    static <T> Gen<T> elements(List<? extends T> values) {
        List<? extends T> copy = List.copyOf(values);
        return random -> copy.get(random.nextInt(copy.size()));
    }

    /** A value of one of {@code gens}, each as likely. */
    @SafeVarargs
    static <T> Gen<T> oneOf(Gen<? extends T>... gens) {
        List<Gen<? extends T>> copy = List.of(gens);
        return random -> copy.get(random.nextInt(copy.size())).next(random);
    }

    /** A value of one of {@code choices}, each chosen in proportion to its weight. */
    @SafeVarargs
    static <T> Gen<T> frequency(Weighted<? extends T>... choices) {
        List<Weighted<? extends T>> copy = List.of(choices);
        if (copy.stream().anyMatch(choice -> choice.weight() <= 0)) {
            throw new IllegalArgumentException("weights must be positive");
        }
        int total = copy.stream().mapToInt(Weighted::weight).sum();
        return random -> {
            int pick = random.nextInt(total);
            for (Weighted<? extends T> choice : copy) {
                pick -= choice.weight();
                if (pick < 0) {
                    return choice.gen().next(random);
                }
            }
            throw new IllegalStateException("unreachable: the picks add up to the total");
        };
    }

    /** A number from {@code min} to {@code max}, both included; one in ten an edge: either end, one inside it, 0, ±1. */
    static Gen<Long> longs(long min, long max) {
        if (min > max) {
            throw new IllegalArgumentException(min + " > " + max);
        }
        List<Long> edges = LongStream.of(min, min + 1, max - 1, max, -1, 0, 1).filter(n -> n >= min && n <= max)
                .boxed().distinct().toList();
        return random -> {
            if (random.nextDouble() < EDGES) {
                return edges.get(random.nextInt(edges.size()));
            }
            if (max < Long.MAX_VALUE) {
                return random.nextLong(min, max + 1);
            }
            return min == Long.MIN_VALUE ? random.nextLong() : random.nextLong(min - 1, max) + 1;
        };
    }

    /** As {@link #longs}. */
    static Gen<Integer> ints(int min, int max) {
        return longs(min, max).map(Long::intValue);
    }

    /** Strings of {@code min} to {@code max} characters, each one of {@code chars}. */
    static Gen<String> strings(String chars, int min, int max) {
        Gen<Integer> length = ints(min, max);
        return random -> {
            StringBuilder out = new StringBuilder();
            IntStream.range(0, length.next(random)).forEach(i -> out.append(chars.charAt(random.nextInt(chars.length()))));
            return out.toString();
        };
    }

    /**
     * Maps of {@code min} to {@code max} entries with distinct keys, in the order drawn; a key drawn twice
     * is drawn again, a few times, so a key generator with few values may give fewer than {@code min}.
     */
    static <K, V> Gen<Map<K, V>> maps(Gen<K> keys, Gen<V> values, int min, int max) {
        Gen<Integer> size = ints(min, max);
        return random -> {
            int wanted = size.next(random);
            Map<K, V> map = new LinkedHashMap<>();
            for (int attempt = 0; map.size() < wanted && attempt < wanted * 10; attempt++) {
                map.putIfAbsent(keys.next(random), values.next(random));
            }
            return map;
        };
    }

    /** {@code base} wrapped by {@code deeper} a number of times from {@code minDepth} to {@code maxDepth}. */
    static <T> Gen<T> recursive(Gen<T> base, UnaryOperator<Gen<T>> deeper, int minDepth, int maxDepth) {
        return ints(minDepth, maxDepth).flatMap(depth -> {
            Gen<T> gen = base;
            for (int i = 0; i < depth; i++) {
                gen = deeper.apply(gen);
            }
            return gen;
        });
    }

    default <R> Gen<R> map(Function<? super T, ? extends R> f) {
        return random -> f.apply(next(random));
    }

    /** A value of the generator {@code f} makes from this one's value. */
    default <R> Gen<R> flatMap(Function<? super T, Gen<? extends R>> f) {
        return random -> f.apply(next(random)).next(random);
    }

    /** Values that pass {@code test}; fails when a thousand in a row do not, rather than loop for ever. */
    default Gen<T> filter(Predicate<? super T> test) {
        return random -> {
            for (int attempt = 0; attempt < 1_000; attempt++) {
                T value = next(random);
                if (test.test(value)) {
                    return value;
                }
            }
            throw new IllegalStateException("the filter refused a thousand values in a row");
        };
    }

    /** Lists of {@code min} to {@code max} values. */
    default Gen<List<T>> list(int min, int max) {
        Gen<Integer> size = ints(min, max);
        return random -> {
            int n = size.next(random);
            List<T> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                list.add(next(random));
            }
            return list;
        };
    }

    /** A value with probability {@code presence}, else empty. */
    default Gen<Optional<T>> optional(double presence) {
        return random -> random.nextDouble() < presence ? Optional.of(next(random)) : Optional.empty();
    }
}
