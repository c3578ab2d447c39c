package io.driftless.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.List;
import java.util.Map;

/**
 * Checks a resource against the typed model its API's owners publish (Kubernetes' API types
 * from fabric8's generated model, the Prometheus Operator's, Strimzi's own API classes): the
 * resource must bind with every field known and every value of the declared type. The models
 * keep unknown fields in a catch-all map; this binding has none, so an unknown field fails.
 */
final class TypedResource {

    private static final Map<String, String> MODELS = Map.ofEntries(
            Map.entry("v1/Namespace", "io.fabric8.kubernetes.api.model.Namespace"),
            Map.entry("v1/ServiceAccount", "io.fabric8.kubernetes.api.model.ServiceAccount"),
            Map.entry("v1/Service", "io.fabric8.kubernetes.api.model.Service"),
            Map.entry("v1/ConfigMap", "io.fabric8.kubernetes.api.model.ConfigMap"),
            Map.entry("rbac.authorization.k8s.io/v1/Role", "io.fabric8.kubernetes.api.model.rbac.Role"),
            Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", "io.fabric8.kubernetes.api.model.rbac.RoleBinding"),
            Map.entry("apps/v1/Deployment", "io.fabric8.kubernetes.api.model.apps.Deployment"),
            Map.entry("apps/v1/StatefulSet", "io.fabric8.kubernetes.api.model.apps.StatefulSet"),
            Map.entry("networking.k8s.io/v1/Ingress", "io.fabric8.kubernetes.api.model.networking.v1.Ingress"),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler",
                    "io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler"),
            Map.entry("monitoring.coreos.com/v1/PodMonitor", "io.fabric8.openshift.api.model.monitoring.v1.PodMonitor"),
            Map.entry("kafka.strimzi.io/v1/Kafka", "io.strimzi.api.kafka.model.kafka.Kafka"),
            Map.entry("kafka.strimzi.io/v1/KafkaNodePool", "io.strimzi.api.kafka.model.nodepool.KafkaNodePool"),
            Map.entry("kafka.strimzi.io/v1/KafkaTopic", "io.strimzi.api.kafka.model.topic.KafkaTopic"));

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .addModule(new SimpleModule("no-catch-all").setDeserializerModifier(new BeanDeserializerModifier() {
                @Override
                public BeanDeserializerBuilder updateBuilder(
                        DeserializationConfig config, BeanDescription description, BeanDeserializerBuilder builder) {
                    builder.setAnySetter(null);
                    return builder;
                }
            }))
            .build();

    private TypedResource() {}

    static boolean hasModel(JsonNode resource) {
        return MODELS.containsKey(key(resource));
    }

    /** What is wrong with the resource; empty when it binds cleanly. */
    static List<String> problems(JsonNode resource) {
        String model = MODELS.get(key(resource));
        if (model == null) {
            return List.of("no model for " + key(resource) + ": add one to " + TypedResource.class.getSimpleName());
        }
        try {
            STRICT.treeToValue(resource, Class.forName(model));
            return List.of();
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(model + " is not on the test classpath: see deploy/pom.xml", e);
        } catch (JsonMappingException e) {
            return List.of(KubernetesManifests.describe(resource) + " at " + path(e) + ": "
                    + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (JsonProcessingException e) {
            return List.of(KubernetesManifests.describe(resource) + ": " + e.getOriginalMessage());
        }
    }

    /** What is wrong with the resource's metadata, checked as Kubernetes' ObjectMeta. */
    static List<String> metadataProblems(JsonNode resource) {
        try {
            STRICT.treeToValue(resource.path("metadata"), ObjectMeta.class);
            return List.of();
        } catch (JsonMappingException e) {
            return List.of("metadata at " + path(e) + ": " + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (JsonProcessingException e) {
            return List.of("metadata: " + e.getOriginalMessage());
        }
    }

    /** Where in the resource binding failed, e.g. {@code spec.template.spec.containers[0].ports}. */
    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference step : e.getPath()) {
            if (step.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(step.getFieldName());
            } else if (step.getIndex() >= 0) {
                path.append('[').append(step.getIndex()).append(']');
            }
        }
        return path.length() == 0 ? "the top level" : path.toString();
    }

    private static String key(JsonNode resource) {
        return resource.path("apiVersion").asText() + "/" + resource.path("kind").asText();
    }
}
