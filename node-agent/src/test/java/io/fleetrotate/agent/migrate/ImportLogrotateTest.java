package io.fleetrotate.agent.migrate;

import static io.fleetrotate.agent.migrate.Imports.run;
import static io.fleetrotate.agent.migrate.Imports.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetrotate.agent.compress.Codec;
import io.fleetrotate.agent.config.FileConfig;
import io.fleetrotate.agent.config.ReopenConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Imports of real logrotate files; every output passes {@code agent validate}. */
class ImportLogrotateTest {
  private static final long MIB = 1 << 20;

  @TempDir Path dir;

  @Test
  void aTypicalBlockCarriesOverItsFrequencyCountCompressionSignalAndCreate() throws Exception {
    Path conf =
        write(
            dir,
            "nginx",
            """
            /var/log/nginx/*.log {
                daily
                missingok
                rotate 14
                compress
                delaycompress
                notifempty
                create 0640 www-data adm
                sharedscripts
                postrotate
                    [ -f /run/nginx.pid ] && kill -USR1 `cat /run/nginx.pid`
                endscript
            }
            """);
    Imports.Validated v = run(dir, conf);

    FileConfig f = v.file("/var/log/nginx/*.log");
    assertThat(f.trigger().schedule().get().expression()).isEqualTo("0 0 * * *");
    assertThat(f.trigger().rotateEmpty()).isFalse();
    assertThat(f.retention().keep()).isEqualTo(OptionalInt.of(14));
    assertThat(f.compress().codec()).isEqualTo(Codec.GZIP);
    assertThat(f.compress().level()).isEqualTo(6);
    assertThat(f.compress().delay()).isTrue();
    assertThat(f.reopen())
        .isEqualTo(
            new ReopenConfig.Signal(
                "USR1", OptionalLong.empty(), Optional.of(Path.of("/run/nginx.pid"))));
    assertThat(f.create().mode()).isEqualTo(OptionalInt.of(0640));
    assertThat(f.create().owner()).contains("www-data");
    assertThat(f.create().group()).contains("adm");
    assertThat(v.result().yaml())
        .contains("# daily (" + conf + ":2)")
        .contains("# rotate 14 (" + conf + ":4)")
        .contains("logrotate block at " + conf + ":1");
    assertThat(v.warnings())
        .containsExactly(
            conf
                + ":1: nodateext: logrotate numbers backups (<log>.1, <log>.2); the agent names"
                + " them <log>.<yyyyMMdd-HHmmss>, so it does not prune backups logrotate left;"
                + " delete those by hand once",
            conf
                + ":9: sharedscripts: the agent reopens after each rotated file, so the script runs"
                + " once per file instead of once per block");
  }

  @Test
  void anExactBlockImportsWithoutWarnings() throws Exception {
    Path conf =
        write(
            dir,
            "mcp",
            """
            /var/log/mcp/server.log {
                weekly 1
                rotate 7
                compress
                compresscmd /usr/bin/zstd
                compressoptions -19
                ifempty
                missingok
                dateext
                dateformat .%Y-%m-%d
                olddir archive
                postrotate
                    /bin/kill -HUP $(cat /run/mcp.pid 2>/dev/null) 2>/dev/null || true
                endscript
            }
            """);
    Imports.Validated v = run(dir, conf);

    assertThat(v.warnings()).isEmpty();
    assertThat(v.result().exact()).isTrue();
    FileConfig f = v.file("/var/log/mcp/server.log");
    assertThat(f.trigger().schedule().get().expression()).isEqualTo("0 0 * * 1");
    assertThat(f.trigger().rotateEmpty()).isTrue();
    assertThat(f.compress().codec()).isEqualTo(Codec.ZSTD);
    assertThat(f.compress().level()).isEqualTo(19);
    assertThat(f.backup().dateFormat()).isEqualTo("yyyy-MM-dd");
    assertThat(f.backup().dir()).contains(Path.of("/var/log/mcp/archive"));
    assertThat(f.reopen())
        .isEqualTo(
            new ReopenConfig.Signal(
                "HUP", OptionalLong.empty(), Optional.of(Path.of("/run/mcp.pid"))));
  }

  @Test
  void logrotateDefaultsAreWrittenOutWhereTheAgentsDiffer() throws Exception {
    Path conf = write(dir, "bare", "/var/log/bare.log {\n}\n");
    Imports.Validated v = run(dir, conf);

    FileConfig f = v.file("/var/log/bare.log");
    // No frequency: logrotate rotates above 1M; no rotate: keeps none; no compress; renames only.
    assertThat(f.trigger().maxSizeBytes()).isEqualTo(OptionalLong.of(MIB + 1));
    assertThat(f.trigger().schedule()).isEmpty();
    assertThat(f.trigger().maxAge()).isEmpty();
    assertThat(f.retention().keep()).isEqualTo(OptionalInt.of(0));
    assertThat(f.compress().codec()).isEqualTo(Codec.NONE);
    assertThat(f.reopen()).isInstanceOf(ReopenConfig.None.class);
  }

  @Test
  void globalDirectivesApplyToTheBlocksAfterThemOnly() throws Exception {
    Path conf =
        write(
            dir,
            "logrotate.conf",
            """
            rotate 3
            /var/log/first.log {
                daily
            }
            compress
            rotate 9
            /var/log/second.log {
                daily
            }
            /var/log/third.log {
                daily
                nocompress
                rotate 1
            }
            """);
    Imports.Validated v = run(dir, conf);

    assertThat(v.file("/var/log/first.log").retention().keep()).isEqualTo(OptionalInt.of(3));
    assertThat(v.file("/var/log/first.log").compress().codec()).isEqualTo(Codec.NONE);
    assertThat(v.file("/var/log/second.log").retention().keep()).isEqualTo(OptionalInt.of(9));
    assertThat(v.file("/var/log/second.log").compress().codec()).isEqualTo(Codec.GZIP);
    assertThat(v.file("/var/log/third.log").retention().keep()).isEqualTo(OptionalInt.of(1));
    assertThat(v.file("/var/log/third.log").compress().codec()).isEqualTo(Codec.NONE);
  }

  @Test
  void sizesMapToTheAgentsTriggersRotatingAboveTheSizeAsLogrotateDoes() throws Exception {
    Path conf =
        write(
            dir,
            "sizes",
            """
            /var/log/size.log {
                daily
                size 100M
            }
            /var/log/bounded.log {
                hourly
                maxsize 1G
                minsize 10k
            }
            /var/log/min.log {
                monthly
                minsize=2048
            }
            /var/log/last.log {
                size 10k
                yearly
            }
            """);
    Imports.Validated v = run(dir, conf);

    FileConfig size = v.file("/var/log/size.log");
    assertThat(size.trigger().maxSizeBytes()).isEqualTo(OptionalLong.of(100 * MIB + 1));
    assertThat(size.trigger().schedule()).isEmpty();
    FileConfig bounded = v.file("/var/log/bounded.log");
    assertThat(bounded.trigger().schedule().get().expression()).isEqualTo("0 * * * *");
    assertThat(bounded.trigger().maxSizeBytes()).isEqualTo(OptionalLong.of(1024 * MIB + 1));
    assertThat(bounded.trigger().minSizeBytes()).isEqualTo(10 * 1024 + 1);
    FileConfig min = v.file("/var/log/min.log");
    assertThat(min.trigger().schedule().get().expression()).isEqualTo("0 0 1 * *");
    assertThat(min.trigger().minSizeBytes()).isEqualTo(2049);
    FileConfig last = v.file("/var/log/last.log");
    assertThat(last.trigger().schedule().get().expression()).isEqualTo("0 0 1 1 *");
    assertThat(last.trigger().maxSizeBytes()).isEmpty();
  }

  @Test
  void weeklyOnAWeekdayIsAScheduleAndWeeklySevenIsAnAge() throws Exception {
    Path conf =
        write(
            dir,
            "weekly",
            """
            /var/log/sunday.log {
                weekly
            }
            /var/log/friday.log {
                weekly 5
            }
            /var/log/seven.log {
                weekly 7
            }
            """);
    Imports.Validated v = run(dir, conf);

    assertThat(v.file("/var/log/sunday.log").trigger().schedule().get().expression())
        .isEqualTo("0 0 * * 0");
    assertThat(v.file("/var/log/friday.log").trigger().schedule().get().expression())
        .isEqualTo("0 0 * * 5");
    assertThat(v.file("/var/log/seven.log").trigger().maxAge()).contains(Duration.ofDays(7));
  }

  @Test
  void rotateAndMaxageBecomeKeepAndMaxAge() throws Exception {
    Path conf =
        write(
            dir,
            "retention",
            """
            /var/log/both.log {
                rotate 5
                maxage 30
            }
            /var/log/age-only.log {
                rotate -1
                maxage 90
            }
            /var/log/forever.log {
                rotate -1
            }
            """);
    Imports.Validated v = run(dir, conf);

    assertThat(v.file("/var/log/both.log").retention().keep()).isEqualTo(OptionalInt.of(5));
    assertThat(v.file("/var/log/both.log").retention().maxAge()).contains(Duration.ofDays(30));
    assertThat(v.file("/var/log/age-only.log").retention().keep()).isEmpty();
    assertThat(v.file("/var/log/age-only.log").retention().maxAge()).contains(Duration.ofDays(90));
    assertThat(v.file("/var/log/forever.log").retention().keep())
        .isEqualTo(OptionalInt.of(LogrotateImport.MAX_KEEP));
  }

  @Test
  void compressionProgramsAndOptionsTheAgentLacksAreWarned() throws Exception {
    Path conf =
        write(
            dir,
            "compress",
            """
            compress
            /var/log/xz.log {
                compresscmd /usr/bin/xz
                compressext .xz
            }
            /var/log/rsync.log {
                compressoptions -9 --rsyncable
            }
            """);
    Imports.Validated v = run(dir, conf);

    assertThat(v.file("/var/log/xz.log").compress().codec()).isEqualTo(Codec.GZIP);
    assertThat(v.file("/var/log/rsync.log").compress().level()).isEqualTo(9);
    assertThat(v.warnings())
        .contains(
            conf
                + ":3: compresscmd: the agent compresses with gzip or zstd only; gzip is used"
                + " (zstd compresses faster and smaller: codec: zstd)",
            conf
                + ":4: compressext: the agent names compressed backups .gz; the extension is fixed",
            conf
                + ":7: compressoptions: the options --rsyncable have no equivalent; the agent sets"
                + " only the gzip level (1 to 9)");
  }

  @Test
  void copytruncateWinsOverAPostrotateScriptWhichIsWarned() throws Exception {
    Path conf =
        write(
            dir,
            "copytruncate",
            """
            /var/log/app.log {
                copytruncate
                postrotate
                    echo rotated
                endscript
            }
            """);
    Imports.Validated v = run(dir, conf);

    assertThat(v.file("/var/log/app.log").reopen()).isInstanceOf(ReopenConfig.CopyTruncate.class);
    assertThat(v.warnings())
        .contains(
            conf
                + ":3: postrotate: with copytruncate the agent runs no command after the rotation;"
                + " the script is not run");
  }

  @Test
  void anUnrecognisedPostrotateRunsAsAShellCommandWithTheLogAsDollarOne() throws Exception {
    Path conf =
        write(
            dir,
            "command",
            """
            /var/log/a.log /var/log/b.log {
                postrotate
                    systemctl reload mcp-server > /dev/null 2>&1 || true
                    echo "${HOME:-x} \\"done\\"" $1
                endscript
            }
            """);
    Imports.Validated v = run(dir, conf);

    String script =
        "systemctl reload mcp-server > /dev/null 2>&1 || true\necho \"${HOME:-x} \\\"done\\\"\" $1\n";
    assertThat(v.file("/var/log/a.log").reopen())
        .isEqualTo(
            new ReopenConfig.Command(
                List.of("/bin/sh", "-c", script, "logrotate_script", "/var/log/a.log"),
                Duration.ofSeconds(30)));
    assertThat(v.file("/var/log/b.log").reopen())
        .isEqualTo(
            new ReopenConfig.Command(
                List.of("/bin/sh", "-c", script, "logrotate_script", "/var/log/b.log"),
                Duration.ofSeconds(30)));
  }

  @Test
  void lastactionIsTheReopenWhenThereIsNoPostrotate() throws Exception {
    Path conf =
        write(
            dir,
            "lastaction",
            """
            /var/log/c.log {
                lastaction
                    kill -s HUP $(cat /run/c.pid)
                endscript
            }
            """);
    Imports.Validated v = run(dir, conf);

    assertThat(v.file("/var/log/c.log").reopen())
        .isEqualTo(
            new ReopenConfig.Signal(
                "HUP", OptionalLong.empty(), Optional.of(Path.of("/run/c.pid"))));
  }

  @Test
  void dateextNamingIsCarriedAsADateFormatAndItsSeparatorWarned() throws Exception {
    Path conf =
        write(
            dir,
            "dates",
            """
            dateext
            /var/log/default.log {
            }
            /var/log/hourly.log {
                dateformat -%Y%m%d%H
            }
            /var/log/epoch.log {
                dateformat -%s
            }
            """);
    Imports.Validated v = run(dir, conf);

    assertThat(v.file("/var/log/default.log").backup().dateFormat()).isEqualTo("yyyyMMdd");
    assertThat(v.file("/var/log/hourly.log").backup().dateFormat()).isEqualTo("yyyyMMddHH");
    assertThat(v.file("/var/log/epoch.log").backup().dateFormat()).isEqualTo("yyyyMMdd-HHmmss");
    assertThat(v.warnings())
        .containsExactly(
            conf
                + ":1: dateext: the agent names backups <log>.<date>, with a '.' where logrotate"
                + " writes <log>-%Y%m%d; it does not prune backups logrotate left, delete those by"
                + " hand once",
            conf
                + ":5: dateformat: the agent names backups <log>.<date>, with a '.' where logrotate"
                + " writes <log>-%Y%m%d%H; it does not prune backups logrotate left, delete those"
                + " by hand once",
            conf
                + ":8: dateformat: \"-%s\" cannot be carried over (the agent needs %Y, %m and %d,"
                + " and supports %H %M %S %y); backups are named <log>.<yyyyMMdd-HHmmss>");
  }

  @Test
  void olddirBecomesTheBackupDirectoryResolvedAgainstTheLogsDirectory() throws Exception {
    Path conf =
        write(
            dir,
            "olddir",
            """
            /var/log/abs.log {
                olddir /var/archive/logs
            }
            /var/log/app/rel.log {
                olddir ../old
            }
            """);
    Imports.Validated v = run(dir, conf);

    assertThat(v.file("/var/log/abs.log").backup().dir()).contains(Path.of("/var/archive/logs"));
    assertThat(v.file("/var/log/app/rel.log").backup().dir()).contains(Path.of("/var/log/old"));
  }

  @Test
  void directivesWithoutAnEquivalentAreWarnedWithTheirFileAndLine() throws Exception {
    Path conf =
        write(
            dir,
            "uncarried",
            """
            mail ops@example.com
            su root adm
            /var/log/x.log {
                dateext
                dateformat .%Y%m%d
                shred
                minage 2
                copy
                prerotate
                    echo before
                endscript
                firstaction
                    echo first
                endscript
                frobnicate 3
            }
            """);
    Imports.Validated v = run(dir, conf);

    assertThat(v.warnings())
        .containsExactly(
            conf
                + ":1: mail: the agent does not mail logs; the coordinator reports each rotation"
                + " instead",
            conf
                + ":2: su: the agent rotates as the user it runs as, not as root:adm; run it as a"
                + " user that may write the log's directory",
            conf
                + ":6: shred: the agent deletes old backups with unlink, without overwriting them first",
            conf
                + ":7: minage: the agent has no minimum age for a rotation; a file is due when its"
                + " trigger fires, so it may rotate sooner than 2 days",
            conf
                + ":8: copy: the agent always empties or moves the live file; copying it and"
                + " leaving it whole has no equivalent (reopen: copytruncate is the nearest)",
            conf
                + ":9: prerotate: the agent runs no script before a rotation; only the reopen after"
                + " it (from postrotate or lastaction); run it from the writer or a separate timer",
            conf
                + ":12: firstaction: the agent runs no script before a rotation; only the reopen"
                + " after it (from postrotate or lastaction); run it from the writer or a separate"
                + " timer",
            conf
                + ":15: frobnicate: is not a logrotate directive this import knows; not carried over");
    assertThat(v.result().exact()).isFalse();
  }

  @Test
  void includeReadsADirectorysFilesInOrderSkippingTabooExtensions() throws Exception {
    Path d = dir.resolve("logrotate.d");
    write(d, "b-app", "/var/log/b.log {\n rotate 2\n}\n");
    write(d, "a-app", "/var/log/a.log {\n rotate 1\n}\n");
    write(d, "old.dpkg-old", "/var/log/dpkg-old.log {\n}\n");
    write(d, "backup~", "/var/log/tilde.log {\n}\n");
    write(d, "c-app.bak", "/var/log/bak.log {\n}\n");
    Path conf =
        write(
            dir,
            "logrotate.conf",
            "compress\ntabooext + .bak\ninclude " + d + "\n/var/log/main.log {\n}\n");
    Imports.Validated v = run(dir, conf);

    assertThat(v.config().files())
        .extracting(FileConfig::path)
        .containsExactly("/var/log/a.log", "/var/log/b.log", "/var/log/main.log");
    assertThat(v.file("/var/log/a.log").compress().codec()).isEqualTo(Codec.GZIP);
  }

  @Test
  void includeOfAFileNamedRelativelyIsReadFromTheIncludingFilesDirectory() throws Exception {
    write(dir, "conf.d/extra", "/var/log/extra.log {\n daily\n}\n");
    Path conf = write(dir, "main.conf", "rotate 4\ninclude conf.d/extra\n");
    Imports.Validated v = run(dir, conf);

    assertThat(v.file("/var/log/extra.log").retention().keep()).isEqualTo(OptionalInt.of(4));
  }

  @Test
  void severalPathsPerBlockQuotedPathsAndPathListsOverSeveralLines() throws Exception {
    Path conf =
        write(
            dir,
            "paths",
            """
            /var/log/one.log
            "/var/log/with space.log"
            /var/log/glob/*.log {
                daily
            }
            """);
    Imports.Validated v = run(dir, conf);

    assertThat(v.config().files())
        .extracting(FileConfig::path)
        .containsExactly("/var/log/one.log", "/var/log/with space.log", "/var/log/glob/*.log");
  }

  @Test
  void aPathAlreadyImportedIsSkippedWithAWarningSoTheAgentAcceptsTheOutput() throws Exception {
    Path conf =
        write(
            dir,
            "dupes",
            """
            /var/log/dup/*.log {
            }
            /var/log/dup/x.log relative.log {
            }
            """);
    Imports.Validated v = run(dir, conf);

    assertThat(v.config().files())
        .extracting(FileConfig::path)
        .containsExactly("/var/log/dup/*.log");
    assertThat(v.warnings())
        .contains(
            conf
                + ":3: /var/log/dup/x.log: overlaps /var/log/dup/*.log, which is already imported"
                + " from the block at "
                + conf
                + ":1; a file may have one entry only (logrotate refuses duplicates too); skipped",
            conf
                + ":3: relative.log: is a relative path; the agent needs absolute paths or globs;"
                + " skipped");
  }

  @Test
  void aWorldWritableCreateModeLosesWriteForOthersWithAWarning() throws Exception {
    Path conf = write(dir, "ww", "/var/log/ww.log {\n create 666 root root\n}\n");
    Imports.Validated v = run(dir, conf);

    assertThat(v.file("/var/log/ww.log").create().mode()).isEqualTo(OptionalInt.of(0664));
    assertThat(v.warnings())
        .contains(
            conf
                + ":2: create: the mode makes the log world-writable, which the agent refuses"
                + " unless the entry sets allowWorldWritable: true; write for others is left out");
  }

  @Test
  void aMissingInputIsUnreadableInOneSentence() {
    Path missing = dir.resolve("nope");
    assertThatThrownBy(() -> LogrotateImport.run(List.of(missing)))
        .isInstanceOf(UnreadableInputException.class)
        .hasMessage("cannot read " + missing + ": it does not exist.");
  }

  @Test
  void aMissingIncludeIsUnreadableAndNamesTheIncludingLine() {
    Path conf = write(dir, "inc", "\ninclude /nonexistent/fleetrotate-test\n");
    assertThatThrownBy(() -> LogrotateImport.run(List.of(conf)))
        .isInstanceOf(UnreadableInputException.class)
        .hasMessage(
            "cannot read /nonexistent/fleetrotate-test (included at "
                + conf
                + ":2): it does not exist.");
  }

  @Test
  void anInputWithoutABlockHasNothingToImport() {
    Path conf = write(dir, "globals", "weekly\nrotate 4\n");
    assertThatThrownBy(() -> LogrotateImport.run(List.of(conf)))
        .isInstanceOf(UnreadableInputException.class)
        .hasMessage(
            "nothing to import: no logrotate block in " + conf + " names an absolute log path.");
  }
}
