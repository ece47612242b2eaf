package io.fleetrotate.agent;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code node-agent.jar}. */
@Command(
    name = "fleetrotate agent",
    mixinStandardHelpOptions = true,
    versionProvider = AgentMain.Version.class,
    description = "Rotates the logs of one MCP host, one replica at a time across the fleet.")
public final class AgentMain implements Runnable {

  public static void main(String[] args) {
    System.exit(new CommandLine(new AgentMain()).execute(args));
  }

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = AgentMain.class.getPackage().getImplementationVersion();
      return new String[] {"fleetrotate agent " + (v == null ? "dev" : v)};
    }
  }
}
