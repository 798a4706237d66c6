# syntax=docker/dockerfile:1
#
# Image of one collapse-lab service on the CPU build of PyTorch. Build from the repository root, once per service:
#
#   docker build -f docker/service.Dockerfile --build-arg SERVICE=trainer-service -t collapse-lab/trainer-service .
#
# SERVICE is the service's Maven module and also the image's name (docs/deployment.md, "Images").

FROM eclipse-temurin:17-jdk-noble AS build
ARG SERVICE
WORKDIR /src
COPY . .
# The Maven repository lives in a build cache, not in a layer, so that rebuilding after a source change does not
# download every dependency again. Tests run in CI, not in image builds.
RUN --mount=type=cache,target=/root/.m2 \
    test -n "$SERVICE" || { echo "pass --build-arg SERVICE=<module>" >&2; exit 1; }; \
    ./mvnw -B -ntp -pl "$SERVICE" -am package -DskipTests
# Unpack PyTorch's native libraries from the native jar now rather than in every new container (docker/DjlWarmup.java).
# The fast-jar keeps DJL in lib/boot (the services load it parent-first) and the rest in lib/main; the logging
# property is the one Quarkus sets at run time, without which JBoss LogManager complains.
ENV DJL_CACHE_DIR=/opt/djl
RUN java -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
    -cp "$SERVICE/target/quarkus-app/lib/boot/*:$SERVICE/target/quarkus-app/lib/main/*" docker/DjlWarmup.java

FROM eclipse-temurin:17-jre-noble
ARG SERVICE
# curl answers the health check; the service user owns nothing in the image, so it cannot change its own code.
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 collapse \
    && useradd --system --uid 10001 --gid collapse --no-create-home --home-dir /nonexistent collapse
COPY --from=build /opt/djl /opt/djl
COPY --from=build /src/${SERVICE}/target/quarkus-app /app
# DJL_OFFLINE: the native libraries are in the image; a start that would need to download them fails at once.
# MKL_*/OMP_DYNAMIC: bit-identical results across processes (docs/determinism.md). The engine's thread count,
# -Dai.djl.pytorch.num_threads, is the deployment's to choose (JAVA_TOOL_OPTIONS) and must match its CPU limit.
# Every service listens on 8080 in a container; 8081-8083 are only their defaults outside one.
ENV DJL_CACHE_DIR=/opt/djl \
    DJL_OFFLINE=true \
    MKL_DYNAMIC=FALSE \
    OMP_DYNAMIC=FALSE \
    MKL_CBWR=AUTO \
    GLIBC_TUNABLES=glibc.malloc.arena_max=1:glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824 \
    QUARKUS_HTTP_PORT=8080
WORKDIR /app
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
    CMD curl -fsS "http://localhost:${QUARKUS_HTTP_PORT}/q/health/live" >/dev/null || exit 1
# The heap gets half of the container's memory: PyTorch allocates its tensors outside the Java heap.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=50", "-jar", "/app/quarkus-run.jar"]
