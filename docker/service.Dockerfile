# syntax=docker/dockerfile:1
#
# Image of one collapse-lab service on the CPU build of PyTorch. Build from the repository root, once per service:
#
#   docker build -f docker/service.Dockerfile --build-arg SERVICE=trainer-service -t collapse-lab/trainer-service .
#
# SERVICE is the service's Maven module and also the image's name (docs/deployment.md, "Images").

# Base images by exact version, so that a rebuild of the same commit gets the same JDK and OS packages.
FROM eclipse-temurin:17.0.16_8-jdk-noble AS build
ARG SERVICE
WORKDIR /src
RUN test -n "$SERVICE" || { echo "pass --build-arg SERVICE=<module>" >&2; exit 1; }
# The build's definition before the sources, and the dependencies it needs in a layer of their own: until a pom.xml
# changes, a rebuild after a source change reuses that layer instead of downloading every dependency again. (The
# reactor's own modules are left to the package step.) Tests run in CI, not in image builds.
COPY mvnw pom.xml ./
COPY .mvn .mvn
COPY experiment/pom.xml experiment/
COPY lm/pom.xml lm/
COPY events/pom.xml events/
COPY artifacts/pom.xml artifacts/
COPY local-stack/pom.xml local-stack/
COPY cli/pom.xml cli/
COPY service-support/pom.xml service-support/
COPY trainer-service/pom.xml trainer-service/
COPY generator-service/pom.xml generator-service/
COPY evaluator-service/pom.xml evaluator-service/
COPY deploy-tests/pom.xml deploy-tests/
COPY e2e-tests/pom.xml e2e-tests/
RUN ./mvnw -B -ntp -Dmaven.repo.local=/opt/m2 -pl "$SERVICE" -am \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:go-offline
COPY . .
RUN ./mvnw -B -ntp -Dmaven.repo.local=/opt/m2 -pl "$SERVICE" -am package -DskipTests
# Unpack PyTorch's native libraries from the native jar now rather than in every new container (docker/DjlWarmup.java).
# The fast-jar keeps DJL in lib/boot (the services load it parent-first) and the rest in lib/main; the logging
# property is the one Quarkus sets at run time, without which JBoss LogManager complains.
ENV DJL_CACHE_DIR=/opt/djl
RUN java -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
    -cp "$SERVICE/target/quarkus-app/lib/boot/*:$SERVICE/target/quarkus-app/lib/main/*" docker/DjlWarmup.java

FROM eclipse-temurin:17.0.16_8-jre-noble
ARG SERVICE
# Open Containers labels: what the image is, and which version and commit of collapse-lab it was built from
# (docker build --build-arg VERSION=... --build-arg REVISION=$(git rev-parse HEAD)).
ARG VERSION=0.1.0-SNAPSHOT
ARG REVISION=unknown
LABEL org.opencontainers.image.title="collapse-lab ${SERVICE}" \
      org.opencontainers.image.description="A collapse-lab worker service on the CPU build of PyTorch" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.vendor="collapse-lab"
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
