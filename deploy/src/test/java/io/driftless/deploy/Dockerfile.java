package io.driftless.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The instructions of a Dockerfile the checks need: base images, copied files, exposed ports. */
final class Dockerfile {

    final String path;
    final List<String> baseImages = new ArrayList<>();
    final List<String> copySources = new ArrayList<>();
    /** Where each copied file lands in the image. */
    final Map<String, String> copyTargets = new LinkedHashMap<>();
    final Set<Integer> exposedPorts = new LinkedHashSet<>();

    private Dockerfile(String path, String text) {
        this.path = path;
        for (String raw : text.replace("\\\n", " ").split("\n")) {
            String line = raw.trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split("\\s+");
            switch (words[0].toUpperCase()) {
                case "FROM" -> baseImages.add(words[1]);
                case "COPY", "ADD" -> {
                    List<String> operands = new ArrayList<>();
                    for (int i = 1; i < words.length; i++) {
                        if (!words[i].startsWith("--")) {
                            operands.add(words[i]);
                        }
                    }
                    String target = operands.get(operands.size() - 1);
                    for (String source : operands.subList(0, operands.size() - 1)) {
                        copySources.add(source);
                        copyTargets.put(source, target);
                    }
                }
                case "EXPOSE" -> {
                    for (int i = 1; i < words.length; i++) {
                        exposedPorts.add(Integer.parseInt(words[i].split("/")[0]));
                    }
                }
                default -> { }
            }
        }
    }

    static Dockerfile read(Repository repository, String path) {
        return new Dockerfile(path, repository.read(path));
    }
}
