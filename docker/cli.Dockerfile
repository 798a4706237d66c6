# syntax=docker/dockerfile:1
#
# Image of the collapse command line, for jobs against a cluster such as `collapse audit RUN`
# (k8s/audit/audit-job.yaml). Build from the repository root:
#
#   docker build -f docker/cli.Dockerfile -t collapse-lab/collapse-cli .

# Base images by exact version, as in service.Dockerfile.
FROM eclipse-temurin:17.0.16_8-jdk-noble AS build
WORKDIR /src
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
RUN ./mvnw -B -ntp -Dmaven.repo.local=/opt/m2 -pl cli -am \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:go-offline
COPY . .
RUN ./mvnw -B -ntp -Dmaven.repo.local=/opt/m2 -pl cli -am package -DskipTests
ENV DJL_CACHE_DIR=/opt/djl
RUN java -cp "cli/target/lib/*" docker/DjlWarmup.java

FROM eclipse-temurin:17.0.16_8-jre-noble
# Open Containers labels: what the image is, and which version and commit of collapse-lab it was built from
# (docker build --build-arg VERSION=... --build-arg REVISION=$(git rev-parse HEAD)).
ARG VERSION=0.1.0-SNAPSHOT
ARG REVISION=unknown
LABEL org.opencontainers.image.title="collapse-lab collapse-cli" \
      org.opencontainers.image.description="The collapse command line of collapse-lab, for jobs such as collapse audit" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.vendor="collapse-lab"
RUN groupadd --system --gid 10001 collapse \
    && useradd --system --uid 10001 --gid collapse --no-create-home --home-dir /nonexistent collapse \
    && mkdir -p /var/lib/collapse \
    && chown collapse:collapse /var/lib/collapse
COPY --from=build /opt/djl /opt/djl
# The same layout as the ./collapse launcher uses: the CLI's jar and its runtime libraries beside it.
COPY --from=build /src/cli/target/collapse-cli.jar /app/collapse-cli.jar
COPY --from=build /src/cli/target/lib /app/lib
ENV DJL_CACHE_DIR=/opt/djl \
    DJL_OFFLINE=true \
    MKL_DYNAMIC=FALSE \
    OMP_DYNAMIC=FALSE \
    MKL_CBWR=AUTO \
    GLIBC_TUNABLES=glibc.malloc.arena_max=1:glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824
# The CLI keeps local state (.collapse/) under its working directory.
WORKDIR /var/lib/collapse
USER 10001:10001
ENTRYPOINT ["java", "-cp", "/app/collapse-cli.jar:/app/lib/*", "io.collapselab.cli.CollapseMain"]
