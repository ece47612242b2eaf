package io.fleetrotate.chaos.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd units: {@code systemd-analyze verify} when it is installed (it is not in every
 * container: then the keys below are the only check, and the test says so), the restart policy, the
 * user, the hardening that still lets the agent rename inside log directories, and command lines
 * that really start the jars.
 */
class SystemdUnitTest {
  private static final Path AGENT = ComposeProject.file("deploy/systemd/fleetrotate-agent.service");
  private static final Path COORDINATOR =
      ComposeProject.file("deploy/systemd/fleetrotate-coordinator.service");

  /** A unit file: section -> key -> values in order (a key may repeat). */
  static Map<String, Map<String, List<String>>> parse(Path unit) throws IOException {
    Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
    Map<String, List<String>> current = null;
    StringBuilder continued = null;
    int n = 0;
    for (String raw : Files.readAllLines(unit)) {
      n++;
      String line = raw.strip();
      if (continued != null) {
        continued.append(' ').append(line);
        if (line.endsWith("\\")) {
          continue;
        }
        line = continued.toString();
        continued = null;
      } else if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      } else if (line.endsWith("\\")) {
        continued = new StringBuilder(line);
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        current =
            sections.computeIfAbsent(
                line.substring(1, line.length() - 1), k -> new LinkedHashMap<>());
        continue;
      }
      int eq = line.indexOf('=');
      assertThat(eq).as(unit.getFileName() + ":" + n + ": key=value").isPositive();
      assertThat(current)
          .as(unit.getFileName() + ":" + n + ": a key before any [section]")
          .isNotNull();
      current
          .computeIfAbsent(line.substring(0, eq).strip(), k -> new ArrayList<>())
          .add(line.substring(eq + 1).strip().replace("\\ ", " "));
    }
    return sections;
  }

  private static String single(
      Map<String, Map<String, List<String>>> unit, String section, String key) {
    List<String> values = unit.getOrDefault(section, Map.of()).get(key);
    assertThat(values).as("[" + section + "] " + key).isNotNull().hasSize(1);
    return values.get(0);
  }

  @Test
  void systemdAnalyzeVerifyFindsNothing(@TempDir Path tmp) throws Exception {
    Path analyze = Path.of("/usr/bin/systemd-analyze");
    if (!Files.isExecutable(analyze)) {
      assertThat("true".equals(System.getenv("CI")))
          .as("systemd-analyze is not installed; .ci/run installs it (package systemd)")
          .isFalse();
      System.out.println(
          "SystemdUnitTest: systemd-analyze is not installed; the units were only parsed and their"
              + " keys checked (the other tests of this class)");
      return;
    }
    // verify checks that ExecStart's program exists: where java is not /usr/bin/java, the copies
    // verified name the java that runs this test instead.
    List<String> units = new ArrayList<>();
    for (Path unit : List.of(AGENT, COORDINATOR)) {
      String text = Files.readString(unit);
      if (!Files.isExecutable(Path.of("/usr/bin/java"))) {
        text = text.replace("/usr/bin/java", ComposeProject.java());
        System.out.println(
            "SystemdUnitTest: /usr/bin/java is missing; verifying with " + ComposeProject.java());
      }
      units.add(Files.writeString(tmp.resolve(unit.getFileName()), text).toString());
    }
    List<String> command = new ArrayList<>(List.of(analyze.toString(), "verify"));
    command.addAll(units);
    ComposeTools.Result r =
        ComposeTools.run(command, Map.of("SYSTEMD_LOG_COLOR", "0"), Duration.ofMinutes(1));
    System.out.println(
        "SystemdUnitTest: ran systemd-analyze verify on both units: exit "
            + r.exit()
            + (r.output().isBlank() ? ", nothing to report" : ":\n" + r.output()));
    // verify exits 0 after warnings such as an unknown key; any output is a finding.
    assertThat(r.output()).as("systemd-analyze verify").isBlank();
    assertThat(r.exit()).isZero();
  }

  @Test
  void bothUnitsRestartOnFailureAsAnUnprivilegedHardenedUser() throws IOException {
    for (Path path : List.of(AGENT, COORDINATOR)) {
      var unit = parse(path);
      String name = path.getFileName().toString();
      assertThat(unit).as(name).containsKeys("Unit", "Service", "Install");
      assertThat(single(unit, "Service", "Restart")).as(name).isEqualTo("on-failure");
      assertThat(single(unit, "Service", "RestartPreventExitStatus"))
          .as(name + ": bad config")
          .isEqualTo("2");
      // RestartPreventExitStatus= does not cover ExecStartPre=: a validate there with a bad
      // configuration restarted the unit every RestartSec forever. `run` validates by itself.
      assertThat(unit.get("Service")).as(name).doesNotContainKey("ExecStartPre");
      assertThat(single(unit, "Unit", "StartLimitBurst")).as(name).isEqualTo("5");
      for (var yes :
          List.of(
              "NoNewPrivileges",
              "ProtectHome",
              "PrivateTmp",
              "PrivateDevices",
              "ProtectKernelTunables",
              "ProtectKernelModules",
              "ProtectControlGroups",
              "RestrictSUIDSGID",
              "LockPersonality")) {
        assertThat(single(unit, "Service", yes)).as(name + ": " + yes).isEqualTo("yes");
      }
      assertThat(single(unit, "Service", "ProtectSystem")).as(name).isEqualTo("strict");
      // No capability at all by default; the agent's comment says which ones a setup may add.
      assertThat(single(unit, "Service", "CapabilityBoundingSet")).as(name).isEmpty();
      assertThat(single(unit, "Service", "AmbientCapabilities")).as(name).isEmpty();
      // The JIT writes code: MemoryDenyWriteExecute would kill the JVM.
      assertThat(unit.get("Service")).as(name).doesNotContainKey("MemoryDenyWriteExecute");
      assertThat(single(unit, "Install", "WantedBy")).as(name).isEqualTo("multi-user.target");
    }
  }

  @Test
  void theAgentMayRenameInsideTheLogDirectoryAndSeeTheServersProcess() throws IOException {
    var unit = parse(AGENT);
    // '-': a host without /var/log/mcp-server still starts the unit (no 226/NAMESPACE).
    assertThat(List.of(single(unit, "Service", "ReadWritePaths").split("\\s+")))
        .containsExactlyInAnyOrder("-/var/log/mcp-server", "/var/lib/fleetrotate");
    assertThat(single(unit, "Service", "StateDirectory")).isEqualTo("fleetrotate");
    // /proc/<pid>/fd of the MCP server tells the agent when the server let go of the backup.
    assertThat(unit.get("Service")).doesNotContainKeys("ProtectProc", "ProcSubset");
    // The agent sends the reopen signal with kill(2) and may reach AF_UNIX, INET and INET6 only.
    assertThat(single(unit, "Service", "RestrictAddressFamilies"))
        .isEqualTo("AF_UNIX AF_INET AF_INET6");
    String comments = Files.readString(AGENT);
    assertThat(comments).contains("CAP_KILL", "CAP_CHOWN", "CAP_FOWNER", "CAP_SYS_PTRACE");

    var coordinator = parse(COORDINATOR);
    assertThat(single(coordinator, "Service", "ReadWritePaths"))
        .isEqualTo("/var/lib/fleetrotate-coordinator");
    assertThat(single(coordinator, "Service", "StateDirectory"))
        .isEqualTo("fleetrotate-coordinator");
  }

  @Test
  void eachUnitHasAUserOfItsOwnAndInstallsTheDocumentationItNames() throws IOException {
    var agent = parse(AGENT);
    var coordinator = parse(COORDINATOR);
    assertThat(single(agent, "Service", "User")).isEqualTo("fleetrotate");
    assertThat(single(coordinator, "Service", "User")).isEqualTo("fleetrotate-coordinator");
    for (Path path : List.of(AGENT, COORDINATOR)) {
      var unit = parse(path);
      String text = Files.readString(path);
      String user = single(unit, "Service", "User");
      assertThat(single(unit, "Service", "Group")).as(path.toString()).isEqualTo(user);
      // The install steps create exactly the unit's own user ...
      assertThat(text.replace("\\\n#    ", ""))
          .as(path + ": useradd of its own user")
          .containsPattern("useradd [^\\n]*\\s" + user + "\\n");
      // ... and install the file that Documentation= names.
      String doc = single(unit, "Unit", "Documentation");
      assertThat(doc).startsWith("file:");
      assertThat(text)
          .as(path + ": installs " + doc)
          .contains(" " + doc.substring("file:".length()));
    }
  }

  @Test
  void theCommandLinesStartTheRealJars() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("FLEETROTATE_AGENT_TOKEN", "systemd-agent-token-0123456789");
    env.put("FLEETROTATE_ADMIN_TOKEN", "systemd-admin-token-0123456789");
    env.put("HOSTNAME", "mcp-host-1");
    Map<Path, String> module = Map.of(AGENT, "node-agent", COORDINATOR, "coordinator");
    Map<Path, String> config =
        Map.of(AGENT, "deploy/compose/agent.yaml", COORDINATOR, "deploy/compose/coordinator.yaml");
    for (Path path : List.of(AGENT, COORDINATOR)) {
      var unit = parse(path);
      String m = module.get(path);
      String start = single(unit, "Service", "ExecStart");
      assertThat(start)
          .startsWith("/usr/bin/java ")
          .contains("-jar /opt/fleetrotate/" + m + ".jar run --config /etc/fleetrotate/");
      // ExecStart's JVM options are accepted (--version instead of run, which would not return).
      for (String line : List.of(start)) {
        List<String> command = new ArrayList<>();
        for (String word : line.split("\\s+")) {
          if (word.equals("/usr/bin/java")) {
            command.add(ComposeProject.java());
          } else if (word.startsWith("/opt/fleetrotate/")) {
            command.add(ComposeProject.jar(m).toString());
          } else if (word.startsWith("/etc/fleetrotate/")) {
            command.add(config.get(path));
          } else {
            command.add(word);
          }
        }
        if (line.equals(start)) {
          command = new ArrayList<>(command.subList(0, command.indexOf("run")));
          command.add("--version");
        }
        ComposeTools.Result r = ComposeTools.run(command, env, Duration.ofMinutes(1));
        assertThat(r.exit()).as(String.join(" ", command) + "\n" + r.output()).isZero();
      }
    }
  }
}
