# fleetrotate coordinator image. The build context is the repository root:
#   docker build -f deploy/docker/coordinator.Dockerfile -t fleetrotate/coordinator:0.1.0-SNAPSHOT .
# (docker compose builds it for the coordinator service). Needs BuildKit (the default builder
# since Docker 23) for the Maven cache mount and COPY --chmod.

# ---- build: the shaded coordinator.jar, with the repository's own Maven Wrapper ----
FROM maven:3.9.9-eclipse-temurin-17 AS build
WORKDIR /src
# The reactor reads every module's pom; only the modules the coordinator is built from need sources.
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY config-support/ config-support/
COPY shared-proto/ shared-proto/
COPY test-support/ test-support/
COPY fleet-lock-member/ fleet-lock-member/
COPY fleet-lock/ fleet-lock/
COPY coordinator/ coordinator/
COPY node-agent/pom.xml node-agent/
COPY chaos/pom.xml chaos/
COPY demo/pom.xml demo/
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -pl coordinator -am package -DskipTests

# ---- runtime: a JRE, the jar, a non-root user ----
FROM eclipse-temurin:17.0.13_11-jre-jammy
RUN groupadd --system --gid 10001 fleetrotate \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/fleetrotate-coordinator \
      --no-create-home --shell /usr/sbin/nologin fleetrotate \
 && install -d -o 10001 -g 10001 -m 0750 /var/lib/fleetrotate-coordinator \
 && install -d -m 0755 /opt/fleetrotate /etc/fleetrotate
COPY --from=build /src/coordinator/target/coordinator.jar /opt/fleetrotate/coordinator.jar
COPY --chmod=0755 deploy/docker/healthcheck.sh /opt/fleetrotate/healthcheck.sh
COPY deploy/compose/coordinator.yaml /etc/fleetrotate/coordinator.yaml
USER 10001:10001
WORKDIR /var/lib/fleetrotate-coordinator
# 8420 HTTP API, /health and /metrics; 5701 the embedded Hazelcast member the agents join.
EXPOSE 8420 5701
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["/opt/fleetrotate/healthcheck.sh", "8420"]
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/fleetrotate/coordinator.jar"]
CMD ["run", "--config", "/etc/fleetrotate/coordinator.yaml"]
