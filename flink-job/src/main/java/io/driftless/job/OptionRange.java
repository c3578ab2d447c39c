package io.driftless.job;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Annotation;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.ReadableConfig;

/**
 * The values one option accepts. Declared as an annotation on the option's field in
 * {@link DriftlessOptions}, so a range is read and changed where its option is, as Kafka's
 * {@code ConfigDef} takes a validator with each definition; {@link JobConfig} checks every declared
 * range in one loop, and the configuration reference shows it. Ranges that relate two options (a
 * deadline within the largest one) stay in {@link JobConfig}.
 *
 * <pre>{@code
 * @IntRange(min = 1, max = 100)
 * public static final ConfigOption<Integer> ANNOTATED_QUALITY = key(PREFIX + "output.annotated-quality")...
 * }</pre>
 *
 * @param option the option
 * @param bound its annotation: an {@link IntRange}, {@link Positive} or {@link MemoryRange}
 */
public record OptionRange(ConfigOption<?> option, Annotation bound) {

    /** An int option's least and, where it has one, greatest value. */
    @Documented
    @Retention(RUNTIME)
    @Target(FIELD)
    public @interface IntRange {
        int min();

        int max() default Integer.MAX_VALUE;
    }

    /** A duration option that must be longer than zero. */
    @Documented
    @Retention(RUNTIME)
    @Target(FIELD)
    public @interface Positive {}

    /** A memory-size option's least and greatest value, as Flink writes sizes ({@code "1 kb"}). */
    @Documented
    @Retention(RUNTIME)
    @Target(FIELD)
    public @interface MemoryRange {
        String min();

        String max();
    }

    private static final List<Class<? extends Annotation>> KINDS =
            List.of(IntRange.class, Positive.class, MemoryRange.class);

    public OptionRange {
        Objects.requireNonNull(option, "option");
        if (!KINDS.contains(bound.annotationType())) {
            throw new IllegalArgumentException("not a range: " + bound);
        }
    }

    /**
     * The range declared on {@code field}, the field of {@code option}, if it declares one. Fails
     * when the range cannot check the option's type, so a misplaced one breaks the first use of
     * {@link DriftlessOptions}, not a user's job.
     */
    static Optional<OptionRange> declaredOn(Field field, ConfigOption<?> option) {
        List<Annotation> bounds = KINDS.stream()
                .<Annotation>map(field::getAnnotation)
                .filter(Objects::nonNull)
                .toList();
        if (bounds.isEmpty()) {
            return Optional.empty();
        }
        if (bounds.size() > 1) {
            throw new IllegalStateException(field.getName() + " declares more than one range: " + bounds);
        }
        Annotation bound = bounds.get(0);
        Class<?> checks = bound instanceof IntRange ? Integer.class
                : bound instanceof Positive ? Duration.class
                : MemorySize.class;
        if (valueType(field) != checks) {
            throw new IllegalStateException(field.getName() + " is a ConfigOption<" + valueType(field).getTypeName()
                    + "> but its @" + bound.annotationType().getSimpleName() + " checks " + checks.getSimpleName()
                    + " options");
        }
        if (bound instanceof MemoryRange memory) {
            // parsed once here, so a mistyped size fails as early as a misplaced range
            MemorySize.parse(memory.min());
            MemorySize.parse(memory.max());
        }
        return Optional.of(new OptionRange(option, bound));
    }

    /** Fails, naming the key, the value and this range, unless {@code conf}'s value of the option lies in it. */
    public void check(ReadableConfig conf) {
        Object value = conf.get(option);
        if (!contains(value)) {
            throw new IllegalArgumentException(option.key() + " must be " + describe() + ", got " + value);
        }
    }

    /** Whether {@code value}, a value of the option, lies in this range. */
    public boolean contains(Object value) {
        if (bound instanceof IntRange ints) {
            int v = (Integer) value;
            return v >= ints.min() && v <= ints.max();
        }
        if (bound instanceof Positive) {
            Duration d = (Duration) value;
            return !d.isNegative() && !d.isZero();
        }
        MemoryRange memory = (MemoryRange) bound;
        long bytes = ((MemorySize) value).getBytes();
        return bytes >= MemorySize.parse(memory.min()).getBytes() && bytes <= MemorySize.parse(memory.max()).getBytes();
    }

    /** The range in words, as error messages and the reference say it: "at least 1", "between 1 and 64". */
    public String describe() {
        if (bound instanceof IntRange ints) {
            return ints.max() == Integer.MAX_VALUE ? "at least " + ints.min()
                    : "between " + ints.min() + " and " + ints.max();
        }
        if (bound instanceof Positive) {
            return "positive";
        }
        MemoryRange memory = (MemoryRange) bound;
        return "between " + memory.min() + " and " + memory.max();
    }

    private static Type valueType(Field field) {
        Type type = field.getGenericType();
        return type instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class;
    }
}
