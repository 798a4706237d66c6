package io.collapselab.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The GPU overlay gives the trainer and the generator, and nothing else, a GPU in limits, the GPU pool's node
 * selector and a toleration of its taint, and their CUDA images; the rest of the deployment is the CPU one.
 */
class GpuOverlayTest {

    private static final String GPU_RESOURCE = "nvidia.com/gpu";

    @Test
    void trainerAndGeneratorGetAGpuOnTheGpuPool() {
        List<Map<String, Object>> resources = Manifests.deployable(Manifests.GPU);
        for (String service : Images.GPU_SERVICES) {
            Map<String, Object> deployment = Resources.named(resources, "Deployment", service);
            Map<String, Object> pod = Yaml.map(Resources.podTemplate(deployment), "spec");
            Map<String, Object> container = Resources.containers(deployment).get(0);
            assertEquals("1", Yaml.string(container, "resources", "limits", GPU_RESOURCE), service + " GPU limit");
            assertNull(Yaml.string(container, "resources", "requests", GPU_RESOURCE),
                    service + ": GPUs belong in limits only");
            assertFalse(Yaml.map(pod, "nodeSelector").isEmpty(), service + " selects no node pool");
            assertTrue(Yaml.maps(pod, "tolerations").stream()
                            .anyMatch(toleration -> GPU_RESOURCE.equals(Yaml.string(toleration, "key"))),
                    service + " does not tolerate the GPU pool's taint");
            ImageReference image = ImageReference.parse(Yaml.string(container, "image"));
            assertEquals(Images.PREFIX + service + Images.CUDA_SUFFIX, image.name(), service + " image");
        }
    }

    @Test
    void nothingElseTouchesTheGpuPool() {
        for (Map<String, Object> resource : Manifests.deployable(Manifests.GPU)) {
            boolean gpuWorker = "Deployment".equals(Resources.kind(resource))
                    && Images.GPU_SERVICES.contains(Resources.name(resource));
            if (!gpuWorker) {
                assertFalse(mentionsGpu(resource), Resources.id(resource) + " refers to GPUs");
                Map<String, Object> template = Resources.podTemplate(resource);
                if (template != null) {
                    assertTrue(Yaml.map(template, "spec", "nodeSelector").isEmpty()
                            && Yaml.maps(template, "spec", "tolerations").isEmpty(),
                            Resources.id(resource) + " is scheduled like a GPU worker");
                }
            }
        }
    }

    @Test
    void cpuOverlayHasNoGpus() {
        for (Map<String, Object> resource : Manifests.deployable(Manifests.CPU)) {
            assertFalse(mentionsGpu(resource), Resources.id(resource) + " refers to GPUs in the CPU overlay");
            for (Map<String, Object> container : Resources.podTemplate(resource) == null
                    ? List.<Map<String, Object>>of() : Resources.containers(resource)) {
                assertFalse(Yaml.string(container, "image").contains(Images.CUDA_SUFFIX),
                        Resources.id(resource) + " runs a CUDA image in the CPU overlay");
            }
        }
    }

    /** Take the GPU settings out of the GPU rendering and what is left is, field for field, the CPU rendering. */
    @Test
    void gpuOverlayChangesNothingElse() {
        List<Map<String, Object>> gpu = Yaml.copy(Manifests.deployable(Manifests.GPU));
        for (String service : Images.GPU_SERVICES) {
            Map<String, Object> deployment = Resources.named(gpu, "Deployment", service);
            Map<String, Object> pod = Yaml.map(Resources.podTemplate(deployment), "spec");
            pod.remove("nodeSelector");
            pod.remove("tolerations");
            Map<String, Object> container = Resources.containers(deployment).get(0);
            Yaml.map(container, "resources", "limits").remove(GPU_RESOURCE);
            ImageReference image = ImageReference.parse(Yaml.string(container, "image"));
            container.put("image", new ImageReference(image.name().replace(Images.CUDA_SUFFIX, ""), image.tag(),
                    image.digest()).toString());
        }
        assertEquals(Manifests.deployable(Manifests.CPU), gpu);
    }

    private static boolean mentionsGpu(Object node) {
        if (node instanceof Map<?, ?> map) {
            return map.entrySet().stream().anyMatch(entry ->
                    String.valueOf(entry.getKey()).startsWith("nvidia.com/") || mentionsGpu(entry.getValue()));
        }
        if (node instanceof List<?> list) {
            return list.stream().anyMatch(GpuOverlayTest::mentionsGpu);
        }
        return node instanceof String text && text.startsWith("nvidia.com/");
    }
}
