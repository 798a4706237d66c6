package io.collapselab.artifacts;

/** One S3 request, or a few that belong together, as {@link Retries} runs it: it may throw whatever the SDK throws. */
@FunctionalInterface
interface S3Call<T> {

    T run() throws Exception;
}
