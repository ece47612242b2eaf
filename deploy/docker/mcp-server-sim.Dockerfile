# Simulated MCP server for the Docker Compose fleet: deploy/docker/mcp-server-sim.sh in busybox, a
# few MB and no JVM per host. It writes JSON lines to /var/log/mcp-server/server.log (the volume it
# shares with its host's agent), its pid to /run/mcp-server/server.pid, and reopens on SIGHUP.
#   docker build -f deploy/docker/mcp-server-sim.Dockerfile -t fleetrotate/mcp-server-sim:0.1.0-SNAPSHOT .
FROM busybox:1.36.1
# uid/gid 10001, the agent's: the agent may then signal this process without CAP_KILL.
RUN addgroup -S -g 10001 fleetrotate \
 && adduser -S -D -H -u 10001 -G fleetrotate -h /nonexistent -s /bin/false fleetrotate \
 && mkdir -p /var/log/mcp-server /run/mcp-server \
 && chown 10001:10001 /var/log/mcp-server /run/mcp-server \
 && chmod 0750 /var/log/mcp-server /run/mcp-server
COPY --chmod=0755 deploy/docker/mcp-server-sim.sh /usr/local/bin/mcp-server-sim
USER 10001:10001
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=3 \
  CMD ["/bin/sh", "-c", "kill -0 \"$(cat /run/mcp-server/server.pid)\""]
ENTRYPOINT ["/bin/sh", "/usr/local/bin/mcp-server-sim"]
