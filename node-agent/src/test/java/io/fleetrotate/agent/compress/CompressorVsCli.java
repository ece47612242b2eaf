package io.fleetrotate.agent.compress;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Benchmark harness, not a test: compares {@link Compressor} with {@code zstd -3 -T1} (or {@code
 * gzip -6}) on one file, runs interleaved so both see the same machine noise, and prints medians
 * and sizes.
 *
 * <pre>
 * python3 ../shared/tools/gen-mcp-log.py /tmp/bench-256m.log 256
 * ./mvnw -B -q -pl node-agent -am test-compile
 * M2=~/.m2/repository
 * java -cp node-agent/target/test-classes:node-agent/target/classes:\
 * $M2/com/github/luben/zstd-jni/1.5.7-28/zstd-jni-1.5.7-28.jar:\
 * $M2/org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar \
 *   io.fleetrotate.agent.compress.CompressorVsCli /tmp/bench-256m.log 5 [workers] [zstd|gzip]
 * </pre>
 *
 * The Compressor is timed inside an already-running JVM (one warm-up run first), because that is
 * how the agent runs it; the CLI's time includes its process start, a few milliseconds.
 */
public final class CompressorVsCli {

  private CompressorVsCli() {}

  public static void main(String[] args) throws Exception {
    Path source = Path.of(args[0]);
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int workers = args.length > 2 ? Integer.parseInt(args[2]) : Compressor.ZSTD_WORKERS;
    Codec codec = args.length > 3 ? Codec.valueOf(args[3].toUpperCase(Locale.ROOT)) : Codec.ZSTD;
    int level = codec.defaultLevel();
    Path dir = Files.createTempDirectory("compress-bench");
    Path cliOut = dir.resolve("cli.out");
    Path ourOut = dir.resolve("ours.out");
    Compressor compressor =
        new Compressor(
            ZstdAvailability.system(),
            ZstdStreamEncoder.factory(workers),
            GzipStreamEncoder::open,
            UnaryOperator.identity(),
            System::nanoTime,
            NanoSleeper.PARKING);
    CompressionRequest request = CompressionRequest.of(codec);
    List<String> cliCommand =
        codec == Codec.ZSTD
            ? List.of(
                "zstd", "-" + level, "-T1", "-q", "-f", "-o", cliOut.toString(), source.toString())
            : List.of(
                "sh",
                "-c",
                "gzip -" + level + " -c \"$0\" > \"$1\"",
                source.toString(),
                cliOut.toString());

    compressor.compress(source, ourOut, request, ProgressListener.NONE); // warm-up
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Path cliTimes = dir.resolve("time.txt");
    List<Double> cliSeconds = new ArrayList<>();
    List<Double> cliFsyncSeconds = new ArrayList<>();
    List<Double> cliCpuSeconds = new ArrayList<>();
    List<Double> ourSeconds = new ArrayList<>();
    List<Double> ourCpuSeconds = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      List<String> timed =
          new ArrayList<>(List.of("/usr/bin/time", "-o", cliTimes.toString(), "-f", "%U %S"));
      timed.addAll(cliCommand);
      Process cli = new ProcessBuilder(timed).inheritIO().start();
      if (cli.waitFor() != 0) {
        throw new IllegalStateException("CLI failed: " + cliCommand);
      }
      long t1 = System.nanoTime();
      // The CLI does not fsync; the Compressor must. Time that step separately for fairness.
      try (FileChannel written = FileChannel.open(cliOut, StandardOpenOption.WRITE)) {
        written.force(true);
      }
      long t2 = System.nanoTime();
      cliSeconds.add((t1 - t0) / 1e9);
      cliFsyncSeconds.add((t2 - t0) / 1e9);
      String[] userSys = Files.readString(cliTimes).trim().split(" ");
      cliCpuSeconds.add(Double.parseDouble(userSys[0]) + Double.parseDouble(userSys[1]));

      long cpu0 = threads.getCurrentThreadCpuTime();
      CompressionResult result =
          compressor.compress(source, ourOut, request, ProgressListener.NONE);
      ourCpuSeconds.add((threads.getCurrentThreadCpuTime() - cpu0) / 1e9);
      ourSeconds.add(result.elapsed().toNanos() / 1e9);
      System.out.printf(
          "run %d: cli %.3f s (+fsync %.3f s, cpu %.2f s), compressor %.3f s (cpu %.2f s)%n",
          i + 1,
          cliSeconds.get(i),
          cliFsyncSeconds.get(i),
          cliCpuSeconds.get(i),
          ourSeconds.get(i),
          ourCpuSeconds.get(i));
    }
    double cli = median(cliSeconds);
    double ours = median(ourSeconds);
    System.out.printf(
        "median: cli+fsync %.3f s -> ratio %.3f; cpu cli %.2f s, compressor %.2f s"
            + " (compressor cpu excludes zstd worker threads)%n",
        median(cliFsyncSeconds),
        ours / median(cliFsyncSeconds),
        median(cliCpuSeconds),
        median(ourCpuSeconds));
    long cliSize = Files.size(cliOut);
    long ourSize = Files.size(ourOut);
    double mib = Files.size(source) / (1024.0 * 1024.0);
    System.out.printf(
        "source %.1f MiB, zstd workers %d%n"
            + "median wall: %s %.3f s (%.0f MiB/s), Compressor %.3f s (%.0f MiB/s),"
            + " ratio %.3f%n"
            + "size: cli %d B, compressor %d B (%+.2f%%)%n",
        mib,
        workers,
        String.join(" ", cliCommand.subList(0, 3)),
        cli,
        mib / cli,
        ours,
        mib / ours,
        ours / cli,
        cliSize,
        ourSize,
        100.0 * (ourSize - cliSize) / cliSize);
    Files.delete(cliTimes);
    Files.delete(cliOut);
    Files.delete(ourOut);
    Files.delete(dir);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
