package io.driftless.bench;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The dependency direction of the README's module table, checked on each module's compiled
 * classes (read from its {@code target/}, so that a rule speaks of a module, not of packages that
 * several modules share). The Maven graph already keeps a module from compiling against what it
 * does not declare; these rules keep what it may not depend on from being declared at all.
 */
class ModuleBoundariesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** Everything a user deploys: the job, the inference server, the web gateway and the camera client. */
    private static final List<String> DEPLOYED = List.of("log-support", "model-core", "inference-service", "inference-client",
            "inference-server", "flink-job", "web-gateway", "frame-client", "frame-source");

    private static final String FLINK = "org.apache.flink..";
    private static final String GRPC = "io.grpc..";
    private static final String KAFKA = "org.apache.kafka..";

    @Test
    void theModelCoreKnowsNoFlinkGrpcKafkaNorWireFormat() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(FLINK, GRPC, KAFKA, "io.driftless.proto..")
                .check(mainClassesOf("model-core"));
    }

    @Test
    void theInferenceServiceApiKnowsNoFlinkGrpcNorKafka() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(FLINK, GRPC, KAFKA)
                .check(mainClassesOf("inference-service"));
    }

    @Test
    void theGrpcClientKnowsNoFlinkKafkaNorTheServer() {
        noClasses().should().dependOnClassesThat()
                .resideInAnyPackage(FLINK, KAFKA, "io.driftless.inference.server..")
                .check(mainClassesOf("inference-client"));
    }

    @Test
    void theInferenceServerKnowsNoFlinkNorKafka() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(FLINK, KAFKA)
                .check(mainClassesOf("inference-server"));
    }

    @Test
    void theJobKnowsTheServerOnlyThroughItsClient() {
        noClasses().should().dependOnClassesThat().resideInAPackage("io.driftless.inference.server..")
                .check(mainClassesOf("flink-job"));
    }

    @Test
    void theWebGatewaySpeaksOnlyKafkaAndTheWireFormat() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(FLINK, GRPC, "ai.onnxruntime..",
                        "io.driftless.inference..", "io.driftless.job..", "io.driftless.source..")
                .check(mainClassesOf("web-gateway"));
    }

    @Test
    void theClientLibraryKnowsNoFlinkNorTheCommandLine() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(FLINK, "picocli..", "org.bytedeco.javacv..")
                .check(mainClassesOf("frame-client"));
    }

    @Test
    void theCommandLineSupportDependsOnNothingOfDriftless() {
        checkDependsOnNothingOfDriftless("cli-support", "io.driftless.cli");
    }

    @Test
    void theLogSupportDependsOnNothingOfDriftless() {
        checkDependsOnNothingOfDriftless("log-support", "io.driftless.log");
    }

    @Test
    void theLocalRunKnowsNothingOfTheBench() {
        noClasses().should().dependOnClassesThat().resideInAPackage("io.driftless.bench..")
                .check(mainClassesOf("local"));
    }

    @Test
    void nothingDeployedUsesTheOfflineModelTools() {
        Set<String> tools = mainClassesOf("model-tools").stream().map(JavaClass::getName).collect(Collectors.toSet());
        assertThat(tools).as("model-tools classes").isNotEmpty();
        DescribedPredicate<JavaClass> aModelTool =
                DescribedPredicate.describe("belong to model-tools", c -> tools.contains(c.getName()));
        for (String module : DEPLOYED) {
            noClasses().should().dependOnClassesThat(aModelTool).as(module + " uses no model-tools class")
                    .check(mainClassesOf(module));
        }
    }

    @Test
    void testsUseJUnit5Only() {
        for (String module : modulesWithTests()) {
            noClasses().should().dependOnClassesThat().resideInAnyPackage("org.junit", "junit..")
                    .as(module + "'s tests use JUnit 5 (org.junit.jupiter), not JUnit 4")
                    .check(classesIn(ROOT.resolve(module).resolve("target/test-classes")));
        }
    }

    @Test
    void theReadmesModuleTableNamesWhatEachModuleUses() throws Exception {
        Map<String, Set<String>> table = new TreeMap<>();
        Pattern row = Pattern.compile("^\\| `([a-z-]+)/` \\|.*\\| ([^|]*) \\|$");
        for (String line : Files.readAllLines(ROOT.resolve("README.md"))) {
            Matcher m = row.matcher(line);
            if (m.matches() && Files.isRegularFile(ROOT.resolve(m.group(1)).resolve("pom.xml"))) {
                table.put(m.group(1), Arrays.stream(m.group(2).split(",")).map(String::strip)
                        .filter(d -> !d.isEmpty() && !d.equals("—")).collect(Collectors.toCollection(TreeSet::new)));
            }
        }
        assertThat(table).as("modules in the README's table").containsKeys("model-core", "flink-job", "web-gateway");
        for (Map.Entry<String, Set<String>> module : table.entrySet()) {
            assertThat(module.getValue()).as("what the README says %s uses: the driftless modules its pom"
                    + " declares outside the test scope", module.getKey()).isEqualTo(declaredModules(module.getKey()));
        }
    }

    /** The driftless modules {@code module}'s pom depends on, test scope and classified artifacts left out. */
    private static Set<String> declaredModules(String module) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(false);
        Document pom = factory.newDocumentBuilder().parse(ROOT.resolve(module).resolve("pom.xml").toFile());
        NodeList dependencies = (NodeList) XPathFactory.newInstance().newXPath()
                .evaluate("/project/dependencies/dependency", pom, XPathConstants.NODESET);
        Set<String> declared = new TreeSet<>();
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element dependency = (Element) dependencies.item(i);
            String artifact = text(dependency, "artifactId");
            if (artifact.startsWith("driftless-") && !text(dependency, "scope").equals("test")
                    && text(dependency, "classifier").isEmpty()) {
                declared.add(artifact.substring("driftless-".length()));
            }
        }
        return declared;
    }

    private static String text(Element element, String child) {
        NodeList nodes = element.getElementsByTagName(child);
        return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent().strip();
    }

    /** {@code module}'s classes, all in {@code ownPackage}, use no other driftless class. */
    private static void checkDependsOnNothingOfDriftless(String module, String ownPackage) {
        JavaClasses classes = mainClassesOf(module);
        assertThat(classes).as(module + " classes").isNotEmpty();
        noClasses().should().dependOnClassesThat(DescribedPredicate.describe("belong to another driftless module",
                        c -> c.getPackageName().startsWith("io.driftless.") && !c.getPackageName().equals(ownPackage)))
                .check(classes);
    }

    private static JavaClasses mainClassesOf(String module) {
        return classesIn(ROOT.resolve(module).resolve("target/classes"));
    }

    private static JavaClasses classesIn(Path directory) {
        assertThat(directory).as("compiled classes (build the module first)").isDirectory();
        return new ClassFileImporter().importPath(directory);
    }

    private static List<String> modulesWithTests() {
        try (var modules = Files.list(ROOT)) {
            return modules.filter(m -> Files.isDirectory(m.resolve("target/test-classes")))
                    .map(m -> m.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
