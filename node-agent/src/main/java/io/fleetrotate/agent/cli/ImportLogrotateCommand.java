package io.fleetrotate.agent.cli;

import io.fleetrotate.agent.migrate.ImportWarning;
import io.fleetrotate.agent.migrate.LogrotateImport;
import io.fleetrotate.agent.migrate.UnreadableInputException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "import-logrotate",
    mixinStandardHelpOptions = true,
    description = {
      "Writes an agent configuration to stdout from logrotate configuration files.",
      "Directives outside a block apply to the blocks after them, include is followed, a"
          + " directory is read as logrotate's include reads it. Each value is commented with the"
          + " file:line it came from; each directive that cannot be carried over exactly is"
          + " warned about on stderr with its file:line.",
      "Exit codes: 0 everything carried over, 1 with warnings, 2 an input cannot be read."
    },
    footer = {
      "",
      "Example:",
      "  fleetrotate agent import-logrotate /etc/logrotate.conf > agent.yaml",
      "  fleetrotate agent validate --config agent.yaml"
    })
public final class ImportLogrotateCommand implements Callable<Integer> {
  @Parameters(
      arity = "1..*",
      paramLabel = "FILE",
      description = "logrotate configuration files or directories, read in this order.")
  List<Path> files;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    LogrotateImport.Result result;
    try {
      result = LogrotateImport.run(files);
    } catch (UnreadableInputException e) {
      err.println(e.getMessage());
      return 2;
    }
    out.print(result.yaml());
    out.flush();
    for (ImportWarning w : result.warnings()) {
      err.println(w);
    }
    err.printf(
        "imported %d file entr%s; %s%n",
        result.entries(),
        result.entries() == 1 ? "y" : "ies",
        result.exact()
            ? "every directive carried over"
            : result.warnings().size()
                + " warning"
                + (result.warnings().size() == 1 ? "" : "s")
                + " above: the agent will not do exactly what logrotate did there");
    return result.exact() ? 0 : 1;
  }
}
