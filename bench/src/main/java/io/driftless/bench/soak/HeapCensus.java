package io.driftless.bench.soak;

import java.lang.management.ManagementFactory;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * The live heap at one instant, class by class: the JVM's class histogram, which runs a full
 * collection first, so unlike any sample of the used heap it counts only what is still
 * reachable. Two censuses tell which classes a leak is made of.
 *
 * @param liveBytes all reachable objects
 * @param classes instances and bytes per class name
 */
record HeapCensus(double elapsedS, long liveBytes, Map<String, ClassCount> classes) {

    /** Instances and bytes of one class. */
    record ClassCount(long instances, long bytes) {}

    /** How much one class grew between two censuses. */
    record ClassGrowth(String className, long instances, long bytes) {}

    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(.+?)\\s*$");
    private static final Pattern TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)\\s*$");

    /** This JVM's class histogram: a full collection first, so a pause of the whole process. */
    static String histogram() {
        try {
            return (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
        } catch (JMException e) {
            throw new IllegalStateException("this JVM cannot take a class histogram: " + e.getMessage(), e);
        }
    }

    /** Reads the output of {@code jcmd <pid> GC.class_histogram}. */
    static HeapCensus parse(double elapsedS, String histogram) {
        Map<String, ClassCount> classes = new HashMap<>();
        long total = -1;
        for (String line : histogram.split("\n")) {
            Matcher row = ROW.matcher(line);
            if (row.matches()) {
                classes.merge(row.group(3), new ClassCount(Long.parseLong(row.group(1)), Long.parseLong(row.group(2))),
                        (a, b) -> new ClassCount(a.instances() + b.instances(), a.bytes() + b.bytes()));
                continue;
            }
            Matcher sum = TOTAL.matcher(line);
            if (sum.matches()) {
                total = Long.parseLong(sum.group(2));
            }
        }
        if (total < 0) {
            throw new IllegalArgumentException("not a class histogram: no Total line");
        }
        return new HeapCensus(elapsedS, total, Map.copyOf(classes));
    }

    /** This census's total alone. */
    HeapCensus withoutClasses() {
        return new HeapCensus(elapsedS, liveBytes, Map.of());
    }

    /** The {@code top} classes that grew most in bytes since {@code earlier}, largest first. */
    List<ClassGrowth> growthSince(HeapCensus earlier, int top) {
        Map<String, ClassGrowth> growth = new HashMap<>();
        classes.forEach((name, now) -> {
            ClassCount then = earlier.classes.getOrDefault(name, new ClassCount(0, 0));
            growth.put(name, new ClassGrowth(name, now.instances() - then.instances(), now.bytes() - then.bytes()));
        });
        earlier.classes.forEach((name, then) -> growth.putIfAbsent(name,
                new ClassGrowth(name, -then.instances(), -then.bytes())));
        return growth.values().stream()
                .sorted(Comparator.comparingLong(ClassGrowth::bytes).reversed())
                .limit(top)
                .toList();
    }
}
