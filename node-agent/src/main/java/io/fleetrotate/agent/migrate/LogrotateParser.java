package io.fleetrotate.agent.migrate;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads logrotate configuration files as logrotate does: directives outside a block are defaults
 * for the blocks after them (also across {@code include}, which shares them), a block overlays its
 * own, {@code include} of a directory reads its files in name order skipping the taboo extensions,
 * and scripts run from their keyword to {@code endscript}.
 *
 * <p>Mistakes logrotate would refuse (an unknown directive, a block never closed) become warnings,
 * so one bad file does not stop an import of fifty; only an unreadable input stops it.
 */
final class LogrotateParser {
  /** logrotate's built-in taboo extensions: files an include of a directory skips. */
  static final List<String> DEFAULT_TABOO_EXT =
      List.of(
          ",v",
          ".cfsaved",
          ".disabled",
          ".dpkg-bak",
          ".dpkg-del",
          ".dpkg-dist",
          ".dpkg-new",
          ".dpkg-old",
          ".rhn-cfg-tmp-*",
          ".rpmnew",
          ".rpmorig",
          ".rpmsave",
          ".swp",
          ".ucf-dist",
          ".ucf-new",
          ".ucf-old",
          "~");

  static final List<String> SCRIPTS =
      List.of("postrotate", "prerotate", "firstaction", "lastaction", "preremove");

  /** Which setting each directive decides; a later directive of the same setting replaces it. */
  static final Map<String, String> SETTING_OF = settings();

  private static Map<String, String> settings() {
    Map<String, String> m = new HashMap<>();
    for (String s : List.of("hourly", "daily", "weekly", "monthly", "yearly", "size")) {
      m.put(s, "criterion");
    }
    String[][] pairs = {
      {"compress", "compress"}, {"nocompress", "compress"},
      {"delaycompress", "delaycompress"}, {"nodelaycompress", "delaycompress"},
      {"copytruncate", "copytruncate"}, {"nocopytruncate", "copytruncate"},
      {"copy", "copy"}, {"nocopy", "copy"},
      {"renamecopy", "renamecopy"}, {"norenamecopy", "renamecopy"},
      {"create", "create"}, {"nocreate", "create"},
      {"missingok", "missingok"}, {"nomissingok", "missingok"},
      {"ifempty", "ifempty"}, {"notifempty", "ifempty"},
      {"dateext", "dateext"}, {"nodateext", "dateext"},
      {"olddir", "olddir"}, {"noolddir", "olddir"},
      {"createolddir", "createolddir"}, {"nocreateolddir", "createolddir"},
      {"mail", "mail"}, {"nomail", "mail"},
      {"mailfirst", "mailwhich"}, {"maillast", "mailwhich"},
      {"shred", "shred"}, {"noshred", "shred"},
      {"sharedscripts", "sharedscripts"}, {"nosharedscripts", "sharedscripts"},
      {"allowhardlink", "allowhardlink"}, {"noallowhardlink", "allowhardlink"},
    };
    for (String[] p : pairs) {
      m.put(p[0], p[1]);
    }
    for (String s :
        List.of(
            "rotate",
            "maxage",
            "minage",
            "minsize",
            "maxsize",
            "compresscmd",
            "uncompresscmd",
            "compressext",
            "compressoptions",
            "dateformat",
            "dateyesterday",
            "datehourago",
            "su",
            "shredcycles",
            "extension",
            "addextension",
            "start",
            "ignoreduplicates",
            "errors")) {
      m.put(s, s);
    }
    SCRIPTS.forEach(s -> m.put(s, s));
    return Map.copyOf(m);
  }

  private final Warnings warnings;
  private final Map<String, Directive> defaults = new LinkedHashMap<>();
  private final List<LogBlock> blocks = new ArrayList<>();
  private final Deque<Path> reading = new ArrayDeque<>();
  private final List<String> tabooExt = new ArrayList<>(DEFAULT_TABOO_EXT);
  private final List<String> tabooPat = new ArrayList<>();

  LogrotateParser(Warnings warnings) {
    this.warnings = warnings;
  }

  List<LogBlock> blocks() {
    return List.copyOf(blocks);
  }

  /** Reads a file named on the command line; a directory is read as {@code include} would. */
  void read(Path input) throws UnreadableInputException {
    if (Files.isDirectory(input)) {
      readDirectory(input, null);
    } else {
      readFile(input);
    }
  }

  private void readDirectory(Path dir, Origin includedAt) throws UnreadableInputException {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw unreadable(dir, includedAt, e);
    }
    for (Path f : files) {
      if (!isTaboo(f.getFileName().toString())) {
        readFile(f);
      }
    }
  }

  private boolean isTaboo(String name) {
    for (String ext : tabooExt) {
      if (ext.endsWith("*")
          ? name.contains(ext.substring(0, ext.length() - 1))
          : name.endsWith(ext)) {
        return true;
      }
    }
    for (String pattern : tabooPat) {
      PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
      if (m.matches(Path.of(name))) {
        return true;
      }
    }
    return false;
  }

  private void readFile(Path file) throws UnreadableInputException {
    readFile(file, null);
  }

  private void readFile(Path file, Origin includedAt) throws UnreadableInputException {
    Path key = file.toAbsolutePath().normalize();
    if (reading.contains(key)) {
      warnings.add(
          includedAt,
          "include",
          file + " is already being read (an include loop); logrotate refuses it, skipped");
      return;
    }
    String text;
    try {
      text = decode(Files.readAllBytes(file));
    } catch (IOException e) {
      throw unreadable(file, includedAt, e);
    }
    reading.push(key);
    try {
      new FileReader(file, text).read();
    } finally {
      reading.pop();
    }
  }

  /** UTF-8, or Latin-1 for old files in a legacy encoding (every byte is a character there). */
  private static String decode(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
  }

  private static UnreadableInputException unreadable(Path file, Origin includedAt, IOException e) {
    String why;
    if (e instanceof NoSuchFileException) {
      why = "it does not exist";
    } else if (e instanceof AccessDeniedException) {
      why = "permission denied";
    } else {
      why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
    String via = includedAt == null ? "" : " (included at " + includedAt + ")";
    return new UnreadableInputException("cannot read " + file + via + ": " + why + ".");
  }

  /** The state of reading one file: logrotate blocks and scripts never span files. */
  private final class FileReader {
    private final Path file;
    private final String[] lines;
    private Map<String, Directive> block;
    private Origin blockOrigin;
    private List<String> blockPaths;
    private final List<String> pendingPaths = new ArrayList<>();
    private Origin pendingOrigin;

    FileReader(Path file, String text) {
      this.file = file;
      this.lines = text.split("\r?\n", -1);
    }

    void read() throws UnreadableInputException {
      for (int i = 0; i < lines.length; i++) {
        Origin at = new Origin(file, i + 1);
        String line = lines[i].strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        if (line.equals("}") || (line.startsWith("}") && block != null)) {
          closeBlock(at);
          continue;
        }
        int brace = line.indexOf('{');
        if (brace >= 0) {
          openBlock(at, line.substring(0, brace));
          if (!line.substring(brace + 1).isBlank()) {
            warnings.add(
                at, "{", "text after '{' on the same line is ignored, as logrotate ignores it");
          }
          continue;
        }
        List<String> words = words(line);
        if (block == null && looksLikePath(words.get(0))) {
          // A block's paths may be listed on several lines before its '{'.
          if (pendingPaths.isEmpty()) {
            pendingOrigin = at;
          }
          pendingPaths.addAll(words);
          continue;
        }
        i = directive(at, words, i);
      }
      Origin end = new Origin(file, lines.length);
      if (block != null) {
        warnings.add(
            blockOrigin,
            "{",
            "the block is not closed with '}' before the end of the file; logrotate refuses it,"
                + " imported as if closed");
        closeBlock(end);
      }
      if (!pendingPaths.isEmpty()) {
        warnings.add(
            pendingOrigin,
            String.join(" ", pendingPaths),
            "paths without a '{' block after them are not rotated by logrotate; skipped");
      }
    }

    private void openBlock(Origin at, String beforeBrace) {
      if (block != null) {
        warnings.add(at, "{", "a block inside a block is refused by logrotate; skipped");
        return;
      }
      List<String> paths = new ArrayList<>(pendingPaths);
      paths.addAll(words(beforeBrace));
      blockOrigin = pendingPaths.isEmpty() ? at : pendingOrigin;
      pendingPaths.clear();
      blockPaths = paths;
      block = new LinkedHashMap<>(defaults);
      if (paths.isEmpty()) {
        warnings.add(at, "{", "a block without a log path rotates nothing; skipped");
      }
    }

    private void closeBlock(Origin at) {
      if (block == null) {
        warnings.add(at, "}", "a '}' without its block; ignored, as logrotate refuses it");
        return;
      }
      if (!blockPaths.isEmpty()) {
        blocks.add(new LogBlock(blockOrigin, blockPaths, block));
      }
      block = null;
    }

    /** Reads the directive on line {@code i}; returns the last line it used (scripts span). */
    private int directive(Origin at, List<String> words, int i) throws UnreadableInputException {
      String name = words.get(0).toLowerCase(Locale.ROOT);
      List<String> args = words.subList(1, words.size());
      if (SCRIPTS.contains(name)) {
        StringBuilder script = new StringBuilder();
        int j = i + 1;
        for (; j < lines.length; j++) {
          if (lines[j].strip().equals("endscript")) {
            break;
          }
          script.append(lines[j]).append('\n');
        }
        if (j == lines.length) {
          warnings.add(
              at,
              name,
              "the script has no endscript line; logrotate refuses it, read to the end of the"
                  + " file");
        }
        put(new Directive(name, List.of(), dedent(script.toString()), at));
        return j;
      }
      switch (name) {
        case "include" -> include(at, args);
        case "tabooext", "taboopat" -> taboo(at, name, args);
        case "endscript" -> warnings.add(at, name, "endscript without a script; ignored");
        default -> {
          if (SETTING_OF.containsKey(name)) {
            put(new Directive(name, args, "", at));
          } else {
            warnings.add(
                at, name, "is not a logrotate directive this import knows; not carried over");
          }
        }
      }
      return i;
    }

    private void put(Directive d) {
      (block != null ? block : defaults).put(SETTING_OF.get(d.name()), d);
    }

    private void include(Origin at, List<String> args) throws UnreadableInputException {
      if (args.isEmpty()) {
        warnings.add(at, "include", "names no file or directory; ignored");
        return;
      }
      if (block != null) {
        warnings.add(
            at,
            "include",
            "inside a block is refused by logrotate (include files between blocks); not read");
        return;
      }
      Path target = Path.of(args.get(0));
      if (!target.isAbsolute()) {
        target = file.toAbsolutePath().getParent().resolve(target);
      }
      if (Files.isDirectory(target)) {
        readDirectory(target, at);
      } else {
        readFile(target, at);
      }
    }

    private void taboo(Origin at, String name, List<String> args) {
      List<String> list = name.equals("tabooext") ? tabooExt : tabooPat;
      List<String> items = new ArrayList<>();
      boolean add = false;
      for (String a : args) {
        if (a.equals("+")) {
          add = true;
          continue;
        }
        if (a.startsWith("+")) {
          add = true;
          a = a.substring(1);
        }
        for (String item : a.split(",")) {
          if (!item.isBlank()) {
            items.add(item.strip());
          }
        }
      }
      if (!add) {
        list.clear();
      }
      list.addAll(items);
    }
  }

  private static boolean looksLikePath(String word) {
    return word.startsWith("/") || word.startsWith("\"") || word.startsWith("'");
  }

  /**
   * Splits a line into words at white space, keeping quoted ("..." or '...') words whole, and a
   * directive written {@code key = value} or {@code key=value} as {@code key value}.
   */
  static List<String> words(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          w.append(c);
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          out.add(w.toString());
          w.setLength(0);
          inWord = false;
        }
      } else {
        w.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      out.add(w.toString());
    }
    if (!out.isEmpty() && !looksLikePath(line.strip())) {
      String first = out.get(0);
      int eq = first.indexOf('=');
      if (eq > 0) {
        out.set(0, first.substring(0, eq));
        if (eq + 1 < first.length()) {
          out.add(1, first.substring(eq + 1));
        }
      } else if (out.size() > 1 && out.get(1).equals("=")) {
        out.remove(1);
      } else if (out.size() > 1 && out.get(1).startsWith("=")) {
        out.set(1, out.get(1).substring(1));
      }
    }
    return out;
  }

  /** Removes the indentation all non-blank lines of a script share, and trailing blank lines. */
  static String dedent(String script) {
    List<String> lines = new ArrayList<>(List.of(script.split("\n", -1)));
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
      lines.remove(lines.size() - 1);
    }
    while (!lines.isEmpty() && lines.get(0).isBlank()) {
      lines.remove(0);
    }
    int indent = Integer.MAX_VALUE;
    for (String l : lines) {
      if (!l.isBlank()) {
        int n = 0;
        while (n < l.length() && (l.charAt(n) == ' ' || l.charAt(n) == '\t')) {
          n++;
        }
        indent = Math.min(indent, n);
      }
    }
    StringBuilder out = new StringBuilder();
    for (String l : lines) {
      out.append(l.isBlank() ? "" : l.substring(indent).stripTrailing()).append('\n');
    }
    return out.toString();
  }
}
