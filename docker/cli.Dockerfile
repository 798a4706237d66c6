# syntax=docker/dockerfile:1
#
# Image of the collapse command line, for jobs against a cluster such as `collapse audit RUN`
# (k8s/audit/audit-job.yaml). Build from the repository root:
#
#   docker build -f docker/cli.Dockerfile -t collapse-lab/collapse-cli .

FROM eclipse-temurin:17-jdk-noble AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -ntp -pl cli -am package -DskipTests
ENV DJL_CACHE_DIR=/opt/djl
RUN java -cp "cli/target/lib/*" docker/DjlWarmup.java

FROM eclipse-temurin:17-jre-noble
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
