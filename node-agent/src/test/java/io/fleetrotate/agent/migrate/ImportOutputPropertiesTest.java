package io.fleetrotate.agent.migrate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever mix of directives, in whatever order, globally or in blocks, the import writes a
 * configuration {@code agent validate} accepts.
 */
class ImportOutputPropertiesTest {
  private static final List<String> DIRECTIVES =
      List.of(
          "daily",
          "weekly",
          "weekly 3",
          "weekly 7",
          "weekly 9",
          "monthly",
          "yearly",
          "hourly",
          "size 0",
          "size 100k",
          "size 5M",
          "size 1G",
          "size huge",
          "minsize 1M",
          "minsize 2G",
          "maxsize 10M",
          "maxsize 1",
          "rotate 0",
          "rotate 5",
          "rotate -1",
          "rotate 99999999",
          "rotate x",
          "maxage 0",
          "maxage 30",
          "maxage soon",
          "minage 3",
          "compress",
          "nocompress",
          "delaycompress",
          "nodelaycompress",
          "compresscmd /usr/bin/zstd",
          "compresscmd /bin/bzip2",
          "compressoptions -19",
          "compressoptions -1 -T0",
          "compressext .zst",
          "copytruncate",
          "nocopytruncate",
          "copy",
          "renamecopy",
          "create",
          "create 0640 mcp adm",
          "create 0666 root root",
          "create 4755 a b",
          "create bad/user g",
          "nocreate",
          "missingok",
          "nomissingok",
          "notifempty",
          "ifempty",
          "dateext",
          "nodateext",
          "dateformat -%Y%m%d",
          "dateformat .%Y-%m-%d-%H%M%S",
          "dateformat %s",
          "dateformat -%Y%m",
          "dateyesterday",
          "olddir old",
          "olddir /var/log/archive",
          "noolddir",
          "createolddir",
          "su root adm",
          "mail a@b",
          "nomail",
          "mailfirst",
          "shred",
          "shredcycles 3",
          "sharedscripts",
          "nosharedscripts",
          "extension .log",
          "start 1",
          "allowhardlink",
          "uncompresscmd gunzip",
          "ignoreduplicates",
          "frobnicate",
          "postrotate\n kill -HUP $(cat /run/a.pid)\nendscript",
          "postrotate\n kill -KILL $(cat /run/a.pid)\nendscript",
          "postrotate\n echo \"${X}\" 'q' \\\\ $1\nendscript",
          "prerotate\n true\nendscript",
          "lastaction\n kill -USR1 `cat /run/b.pid`\nendscript",
          "firstaction\n true\nendscript");

  private static final List<String> PATHS =
      List.of(
          "/var/log/a.log",
          "/var/log/b.log",
          "/var/log/*.log",
          "/var/log/app/*/x.log",
          "\"/var/log/with space.log\"",
          "relative.log",
          "/var/log/../log/c.log");

  @Provide
  Arbitrary<List<String>> directives() {
    return Arbitraries.of(DIRECTIVES).list().ofMaxSize(12);
  }

  @Provide
  Arbitrary<List<String>> paths() {
    return Arbitraries.of(PATHS).list().ofMinSize(1).ofMaxSize(3);
  }

  @Property(tries = 150)
  void anyMixOfDirectivesImportsIntoAValidConfiguration(
      @ForAll("directives") List<String> global,
      @ForAll("paths") List<String> paths,
      @ForAll("directives") List<String> first,
      @ForAll("paths") List<String> morePaths,
      @ForAll("directives") List<String> second)
      throws Exception {
    Path dir = Files.createTempDirectory("import-property");
    try {
      check(dir, global, paths, first, morePaths, second);
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void check(
      Path dir,
      List<String> global,
      List<String> paths,
      List<String> first,
      List<String> morePaths,
      List<String> second)
      throws Exception {
    StringBuilder conf = new StringBuilder();
    global.forEach(d -> conf.append(d).append('\n'));
    conf.append(String.join(" ", paths)).append(" {\n");
    first.forEach(d -> conf.append("  ").append(d).append('\n'));
    conf.append("}\n");
    conf.append(String.join("\n", morePaths)).append("\n{\n");
    second.forEach(d -> conf.append("  ").append(d).append('\n'));
    conf.append("}\n");
    Path file = Imports.write(dir, "logrotate.conf", conf.toString());
    LogrotateImport.Result result;
    try {
      result = LogrotateImport.run(List.of(file));
    } catch (UnreadableInputException e) {
      // Only when every path was relative or a duplicate: nothing to write.
      return;
    }
    Imports.validate(dir, result.yaml());
  }
}
