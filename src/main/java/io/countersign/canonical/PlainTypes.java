package io.countersign.canonical;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Which records and enums the one-pass writer may write itself, because Jackson would write them the plain
 * way: a record as an object of its components, an enum constant as its name. A type qualifies only when
 * nothing of Jackson's is on it (no Jackson annotation on the type, its fields, methods, constructors and
 * their parameters, or the interfaces it implements) and,
 * for a record, when it has no public getter besides its accessors (Jackson would add a property for it).
 * Anything else keeps going through Jackson. Worked out once per class.
 */
final class PlainTypes {
    private static final Set<String> OBJECT_METHODS = Set.of("toString", "hashCode");

    private PlainTypes() {
    }

    /** A plain record's components, sorted by name as RFC 8785 sorts keys, and their accessors. */
    record RecordShape(String[] names, Method[] accessors) {
        Object value(Record record, int component) {
            try {
                return accessors[component].invoke(record);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + names[component] + " of " + record.getClass().getName(), e);
            }
        }
    }

    private static final ClassValue<RecordShape> RECORDS = new ClassValue<>() {
        @Override
        protected RecordShape computeValue(Class<?> type) {
            return shape(type);
        }
    };

    private static final ClassValue<Boolean> ENUMS = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return !jacksonOnType(type);
        }
    };

    /** The shape of {@code type}, or null when Jackson must write it. */
    static RecordShape recordShape(Class<?> type) {
        return RECORDS.get(type);
    }

    static boolean plainEnum(Class<?> type) {
        return ENUMS.get(type);
    }

    private static RecordShape shape(Class<?> type) {
        if (!type.isRecord() || jacksonOnType(type)) {
            return null;
        }
        RecordComponent[] components = type.getRecordComponents();
        Set<String> accessors = Stream.of(components).map(RecordComponent::getName).collect(Collectors.toSet());
        for (Method method : type.getMethods()) {
            boolean instanceGetter = !Modifier.isStatic(method.getModifiers()) && method.getParameterCount() == 0
                    && method.getReturnType() != void.class && method.getDeclaringClass() != Object.class;
            if (instanceGetter && !accessors.contains(method.getName()) && !OBJECT_METHODS.contains(method.getName())) {
                return null;
            }
        }
        // The accessors are among the declared methods jacksonOnType looked at; the components themselves are not.
        if (Stream.of(components).anyMatch(PlainTypes::jackson)) {
            return null;
        }
        RecordComponent[] sorted = components.clone();
        Arrays.sort(sorted, Comparator.comparing(RecordComponent::getName));
        Method[] methods = new Method[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
            methods[i] = sorted[i].getAccessor();
            methods[i].setAccessible(true);
        }
        return new RecordShape(Stream.of(sorted).map(RecordComponent::getName).toArray(String[]::new), methods);
    }

    /** Whether Jackson finds anything of its own on {@code type} or the interfaces it implements, whose annotations it inherits. */
    private static boolean jacksonOnType(Class<?> type) {
        return jackson(type) || Stream.of(type.getDeclaredFields()).anyMatch(PlainTypes::jackson)
                || Stream.of(type.getDeclaredMethods()).anyMatch(PlainTypes::jackson)
                || Stream.of(type.getDeclaredConstructors())
                        .anyMatch(c -> jackson(c) || Stream.of(c.getParameters()).anyMatch(PlainTypes::jackson))
                || Stream.of(type.getInterfaces()).anyMatch(PlainTypes::jacksonOnType);
    }

    private static boolean jackson(AnnotatedElement element) {
        for (Annotation annotation : element.getDeclaredAnnotations()) {
            if (annotation.annotationType().getName().startsWith("com.fasterxml.jackson.")) {
                return true;
            }
        }
        return false;
    }
}
