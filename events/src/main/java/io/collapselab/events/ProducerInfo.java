package io.collapselab.events;

/**
 * Who emitted an event: the service ({@code trainer-service}, {@code cli}, …), the instance of it (a pod or host
 * name) and the service's version. The service and instance also form the CloudEvents source.
 */
public record ProducerInfo(String service, String instance, String version) {
}
