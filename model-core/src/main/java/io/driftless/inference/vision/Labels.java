package io.driftless.inference.vision;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/** A model's class names, by class index. */
public record Labels(List<String> names) {

    /** Ultralytics writes its {@code names} metadata as a Python dict: {@code {0: 'person', 1: 'bicycle'}}. */
    private static final Pattern PYTHON_DICT_ENTRY = Pattern.compile("(\\d+)\\s*:\\s*(['\"])(.*?)\\2\\s*(?:,|})");

    public Labels {
        names = List.copyOf(names);
    }

    public static final Labels NONE = new Labels(List.of());

    /** One label a line, blank lines at the end ignored (a labels file as classifiers ship it). */
    public static Labels fromLines(String text) {
        List<String> lines = new ArrayList<>(List.of(text.split("\\R", -1)));
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1);
        }
        return new Labels(lines.stream().map(String::strip).toList());
    }

    /**
     * The labels in an Ultralytics export's {@code names} metadata, or {@code null} when {@code
     * value} is not such a dict with indices 0 to n - 1.
     */
    public static Labels fromUltralyticsNames(String value) {
        if (value == null) {
            return null;
        }
        Map<Integer, String> byIndex = new TreeMap<>();
        Matcher m = PYTHON_DICT_ENTRY.matcher(value);
        while (m.find()) {
            byIndex.put(Integer.parseInt(m.group(1)), m.group(3));
        }
        if (byIndex.isEmpty() || !byIndex.keySet().equals(new TreeSet<>(
                IntStream.range(0, byIndex.size()).boxed().toList()))) {
            return null;
        }
        return new Labels(new ArrayList<>(byIndex.values()));
    }

    public int size() {
        return names.size();
    }

    public boolean isEmpty() {
        return names.isEmpty();
    }

    /** The name of class {@code index}, or the index itself when there is no such label. */
    public String of(int index) {
        return index >= 0 && index < names.size() ? names.get(index) : Integer.toString(index);
    }
}
