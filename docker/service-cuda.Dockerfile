# syntax=docker/dockerfile:1
#
# Image of the trainer or the generator on a CUDA build of PyTorch, for NVIDIA GPU nodes. Build from the repository
# root:
#
#   docker build -f docker/service-cuda.Dockerfile --build-arg SERVICE=trainer-service \
#       -t collapse-lab/trainer-service-cuda .
#
# The CUDA build of PyTorch is not published as a Maven artifact that this build can use, so the services are built
# without any native jar and DJL downloads the build PYTORCH_FLAVOR names from its own distribution site, here,
# while the image is built; the running containers never download anything (docs/deployment.md, "GPU images").

# Must be a flavour DJL publishes for the PyTorch version of the engine (2.7.1 for DJL 0.36: cu128) and one the
# CUDA runtime below and the nodes' driver support.
ARG PYTORCH_FLAVOR=cu128

# Base images by exact version, as in service.Dockerfile.
FROM eclipse-temurin:17.0.16_8-jdk-noble AS build
ARG SERVICE
ARG PYTORCH_FLAVOR
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
RUN ./mvnw -B -ntp -Dmaven.repo.local=/opt/m2 -pl "$SERVICE" -am -Dpytorch.native.bundled=false \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:go-offline
COPY . .
# -Dpytorch.native.bundled=false leaves pytorch-native-cpu out (lm/pom.xml): with that jar on the class path DJL
# would load its CPU libraries whatever PYTORCH_FLAVOR says.
RUN ./mvnw -B -ntp -Dmaven.repo.local=/opt/m2 -pl "$SERVICE" -am package -DskipTests -Dpytorch.native.bundled=false \
    && if find "$SERVICE/target/quarkus-app/lib" -name '*pytorch-native-cpu*' | grep -q .; then \
         echo "pytorch-native-cpu is on the class path; the GPU image would run on the CPU" >&2; exit 1; \
       fi
# Download the CUDA libraries of PyTorch (a few GB) into the image, and check that they load. No GPU is needed to
# load them; the driver comes from the node when the container runs. Class path and logging as in service.Dockerfile.
ENV DJL_CACHE_DIR=/opt/djl
RUN PYTORCH_FLAVOR="$PYTORCH_FLAVOR" java -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
    -cp "$SERVICE/target/quarkus-app/lib/boot/*:$SERVICE/target/quarkus-app/lib/main/*" docker/DjlWarmup.java

FROM eclipse-temurin:17.0.16_8-jre-noble AS jre

FROM nvidia/cuda:12.8.1-runtime-ubuntu24.04
ARG SERVICE
ARG PYTORCH_FLAVOR
# Open Containers labels: what the image is, and which version and commit of collapse-lab it was built from
# (docker build --build-arg VERSION=... --build-arg REVISION=$(git rev-parse HEAD)).
ARG VERSION=0.1.0-SNAPSHOT
ARG REVISION=unknown
LABEL org.opencontainers.image.title="collapse-lab ${SERVICE}-cuda" \
      org.opencontainers.image.description="A collapse-lab worker service on the CUDA build of PyTorch, for NVIDIA GPU nodes" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.vendor="collapse-lab"
# The same Temurin JRE as the CPU images, on the same Ubuntu release.
COPY --from=jre /opt/java/openjdk /opt/java/openjdk
ENV JAVA_HOME=/opt/java/openjdk \
    PATH=/opt/java/openjdk/bin:$PATH
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 collapse \
    && useradd --system --uid 10001 --gid collapse --no-create-home --home-dir /nonexistent collapse
COPY --from=build /opt/djl /opt/djl
COPY --from=build /src/${SERVICE}/target/quarkus-app /app
# PYTORCH_FLAVOR makes DJL pick the libraries baked in above instead of guessing from the CUDA version it finds.
# The rest is as in service.Dockerfile.
ENV PYTORCH_FLAVOR=${PYTORCH_FLAVOR} \
    DJL_CACHE_DIR=/opt/djl \
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
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=50", "-jar", "/app/quarkus-run.jar"]
