package io.driftless.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A custom resource's openAPIV3Schema, taken from its published CRD, checked with a JSON-schema
 * validator the way a Kubernetes API server with strict field validation checks it: a field
 * the schema does not declare is an error, not silently pruned.
 */
final class CrdSchema {

    private final ObjectNode openApiSchema;

    private CrdSchema(ObjectNode openApiSchema) {
        this.openApiSchema = openApiSchema;
        // the API server adds these to every resource; metadata is checked as ObjectMeta below
        ObjectNode root = openApiSchema.withObjectProperty("properties");
        root.putObject("apiVersion").put("type", "string");
        root.putObject("kind").put("type", "string");
        root.putObject("metadata").put("type", "object").put("additionalProperties", true);
        close(openApiSchema);
    }

    /** The schema of {@code version} in a CRD that the test classpath carries as a resource. */
    static CrdSchema fromClasspath(String resource, String version) {
        try (InputStream in = CrdSchema.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test classpath: see deploy/pom.xml");
            }
            JsonNode crd = Yaml.read(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource);
            for (JsonNode served : crd.path("spec").path("versions")) {
                if (served.path("name").asText().equals(version)) {
                    return new CrdSchema(served.path("schema").path("openAPIV3Schema").deepCopy());
                }
            }
            throw new IllegalStateException(resource + " serves no version " + version);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    /**
     * Adds a value to the enum at {@code path} (a JSON pointer into the schema), for a value
     * that a newer release of the CRD than the published artifact accepts.
     */
    CrdSchema allowingEnumValue(String path, String value) {
        JsonNode node = openApiSchema.at(path);
        if (!(node.path("enum") instanceof ArrayNode values)) {
            throw new IllegalStateException("no enum at " + path + " of the schema");
        }
        values.add(value);
        return this;
    }

    /** The validation errors of {@code resource}; empty when it is valid. */
    List<String> validate(JsonNode resource) {
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(openApiSchema);
        List<String> problems = new ArrayList<>();
        schema.validate(resource).stream().map(Error::toString).forEach(problems::add);
        problems.addAll(TypedResource.metadataProblems(resource));
        return problems;
    }

    /**
     * Declared objects accept no other fields, unless the schema keeps unknown fields on purpose
     * or describes a map.
     */
    private static void close(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.has("properties")
                    && !object.has("additionalProperties")
                    && !object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
                object.put("additionalProperties", false);
            }
            Iterator<JsonNode> children = object.elements();
            while (children.hasNext()) {
                close(children.next());
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(CrdSchema::close);
        }
    }
}
