package io.collapselab.deploy;

import java.util.List;

/**
 * How an image name leads to the Dockerfile that builds it. Images of collapse-lab are named
 * {@code collapse-lab/<repository>}, and the repository names the build:
 * <ul>
 *   <li>{@code <service>} (e.g. {@code trainer-service}): {@code docker/service.Dockerfile} with
 *       {@code --build-arg SERVICE=<service>}, the service's Maven module;</li>
 *   <li>{@code <service>-cuda}, for the trainer and the generator: {@code docker/service-cuda.Dockerfile}, likewise;</li>
 *   <li>{@code collapse-cli}: {@code docker/cli.Dockerfile}.</li>
 * </ul>
 * Every other image is a third party's, pulled as published.
 */
final class Images {

    static final String PREFIX = "collapse-lab/";
    static final String CUDA_SUFFIX = "-cuda";
    /** The services that have a CUDA image: the ones that train and sample. */
    static final List<String> GPU_SERVICES = List.of("trainer-service", "generator-service");

    /**
     * The build of one of our images.
     *
     * @param dockerfile path from the repository root
     * @param service    the {@code SERVICE} build argument, or null for an image without one
     */
    record Build(String dockerfile, String service) {
    }

    private Images() {
    }

    static boolean ours(ImageReference image) {
        return image.name().startsWith(PREFIX);
    }

    static Build build(ImageReference image) {
        String repository = image.repository();
        if (ServiceConfiguration.SERVICES.contains(repository)) {
            return new Build("docker/service.Dockerfile", repository);
        }
        if (repository.endsWith(CUDA_SUFFIX)) {
            String service = repository.substring(0, repository.length() - CUDA_SUFFIX.length());
            if (GPU_SERVICES.contains(service)) {
                return new Build("docker/service-cuda.Dockerfile", service);
            }
        }
        if (repository.equals("collapse-cli")) {
            return new Build("docker/cli.Dockerfile", null);
        }
        throw new AssertionError("image " + image + " follows no naming convention of docker/ (see Images)");
    }

    /** The service an image runs, or null for one that runs none (the CLI). */
    static String service(ImageReference image) {
        return ours(image) ? build(image).service() : null;
    }
}
