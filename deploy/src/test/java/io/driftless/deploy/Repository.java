package io.driftless.deploy;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The repository under test and what its build produces, read from its POMs rather than
 * written down a second time.
 */
final class Repository {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]+)}");

    private final Path root;
    private final Map<String, String> properties;
    private final List<String> modules;

    private Repository(Path root) {
        this.root = root;
        Element project = parse(root.resolve("pom.xml"));
        this.properties = new LinkedHashMap<>();
        properties.put("project.version", childText(project, "version"));
        Element props = child(project, "properties");
        if (props != null) {
            for (Element property : children(props)) {
                properties.put(property.getTagName(), property.getTextContent().trim());
            }
        }
        this.modules = new ArrayList<>();
        for (Element module : children(child(project, "modules"))) {
            modules.add(module.getTextContent().trim());
        }
    }

    /** The repository this module belongs to, as the build tells the tests. */
    static Repository current() {
        String path = System.getProperty("driftless.repository");
        if (path == null) {
            return fail("system property driftless.repository is not set: run these tests through Maven"
                    + " (mvn -pl deploy -am test) or set -Ddriftless.repository=<repository root>");
        }
        return at(Path.of(path));
    }

    static Repository at(Path root) {
        return new Repository(root.toAbsolutePath().normalize());
    }

    Path root() {
        return root;
    }

    Path resolve(String relative) {
        return root.resolve(relative).normalize();
    }

    boolean exists(String relative) {
        return Files.exists(resolve(relative));
    }

    String read(String relative) {
        try {
            return Files.readString(resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + relative, e);
        }
    }

    /** A property of the root POM, e.g. {@code flink.version}, or {@code project.version}. */
    String property(String name) {
        String value = properties.get(name);
        if (value == null) {
            return fail("the root pom.xml has no property " + name);
        }
        return value;
    }

    /** The major.minor of a version property: {@code 2.2} for {@code 2.2.1}. */
    String minorVersion(String name) {
        String[] parts = property(name).split("\\.");
        return parts[0] + "." + parts[1];
    }

    /**
     * Every jar the modules' builds write, as repository paths: each module's own jar (for
     * modules with main code) and each
     * {@code finalName} its plugins (shade, assembly, jar) are configured with, and each shade
     * {@code outputFile}.
     */
    Set<String> producedJars() {
        Set<String> jars = new LinkedHashSet<>();
        for (String module : modules) {
            Element project = parse(root.resolve(module).resolve("pom.xml"));
            String artifactId = childText(project, "artifactId");
            String packaging = childText(project, "packaging");
            Map<String, String> scope = new LinkedHashMap<>(properties);
            scope.put("project.artifactId", artifactId);
            boolean hasMainCode = Files.isDirectory(root.resolve(module).resolve("src/main"));
            if ((packaging == null || packaging.equals("jar")) && hasMainCode) {
                jars.add(module + "/target/" + artifactId + "-" + properties.get("project.version") + ".jar");
            }
            NodeList finalNames = project.getElementsByTagName("finalName");
            for (int i = 0; i < finalNames.getLength(); i++) {
                jars.add(module + "/target/" + interpolate(finalNames.item(i).getTextContent().trim(), scope) + ".jar");
            }
            NodeList outputFiles = project.getElementsByTagName("outputFile");
            for (int i = 0; i < outputFiles.getLength(); i++) {
                String file = outputFiles.item(i).getTextContent().trim().replace("${project.build.directory}", "target");
                jars.add(module + "/" + interpolate(file, scope));
            }
        }
        return jars;
    }

    private static String interpolate(String text, Map<String, String> scope) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = scope.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static Element parse(Path pom) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document document = factory.newDocumentBuilder().parse(pom.toFile());
            return document.getDocumentElement();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + pom + ": " + e.getMessage(), e);
        }
    }

    private static Element child(Element parent, String name) {
        for (Element element : children(parent)) {
            if (element.getTagName().equals(name)) {
                return element;
            }
        }
        return null;
    }

    private static String childText(Element parent, String name) {
        Element element = child(parent, name);
        return element == null ? null : element.getTextContent().trim();
    }

    private static List<Element> children(Element parent) {
        List<Element> elements = new ArrayList<>();
        if (parent == null) {
            return elements;
        }
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i).getNodeType() == Node.ELEMENT_NODE) {
                elements.add((Element) nodes.item(i));
            }
        }
        return elements;
    }
}
