# fleetrotate node agent image. The build context is the repository root:
#   docker build -f deploy/docker/agent.Dockerfile -t fleetrotate/node-agent:0.1.0-SNAPSHOT .
# (docker compose builds it for mcp-host-1-agent .. mcp-host-3-agent). Needs BuildKit (the default
# builder since Docker 23) for the Maven cache mount and COPY --chmod.

# ---- build: the shaded node-agent.jar, with the repository's own Maven Wrapper ----
FROM maven:3.9.9-eclipse-temurin-17 AS build
WORKDIR /src
# The reactor reads every module's pom; only the modules the agent is built from need sources.
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY config-support/ config-support/
COPY shared-proto/ shared-proto/
COPY test-support/ test-support/
COPY fleet-lock-member/ fleet-lock-member/
COPY fleet-lock/ fleet-lock/
COPY node-agent/ node-agent/
COPY coordinator/pom.xml coordinator/
COPY chaos/pom.xml chaos/
COPY demo/pom.xml demo/
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -pl node-agent -am package -DskipTests

# ---- runtime: a JRE, the jar, a non-root user ----
FROM eclipse-temurin:17.0.13_11-jre-jammy
# uid/gid 10001, the same as the simulated MCP server's: the agent signals the server (SIGHUP to
# reopen its log) and reads /proc/<pid>/fd to see when it let go of the backup, both of which the
# kernel allows between processes of one user without any capability.
RUN groupadd --system --gid 10001 fleetrotate \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/fleetrotate --no-create-home \
      --shell /usr/sbin/nologin fleetrotate \
 && install -d -o 10001 -g 10001 -m 0750 /var/lib/fleetrotate /var/log/mcp-server /run/mcp-server \
 && install -d -m 0755 /opt/fleetrotate /etc/fleetrotate
COPY --from=build /src/node-agent/target/node-agent.jar /opt/fleetrotate/node-agent.jar
COPY --chmod=0755 deploy/docker/healthcheck.sh /opt/fleetrotate/healthcheck.sh
COPY deploy/compose/agent.yaml /etc/fleetrotate/agent.yaml
USER 10001:10001
WORKDIR /var/lib/fleetrotate
EXPOSE 8421
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["/opt/fleetrotate/healthcheck.sh", "8421"]
# The launcher's small-footprint options (./fleetrotate agent), with room for the Hazelcast client.
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-Xmx64m", "-XX:MaxMetaspaceSize=128m", "-Xss512k", \
            "-XX:TieredStopAtLevel=1", "-jar", "/opt/fleetrotate/node-agent.jar"]
CMD ["run", "--config", "/etc/fleetrotate/agent.yaml"]
