package io.fleetrotate.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A throwaway private CA made with openssl in a test's directory: a server certificate for
 * 127.0.0.1 and localhost and a client certificate, both signed by it, keys in PKCS#8 PEM. Without
 * openssl the test is skipped with the reason printed, or fails under CI=true.
 */
public record TestCa(Path ca, Path serverCert, Path serverKey, Path clientCert, Path clientKey) {

  public static TestCa make(Path dir) throws IOException, InterruptedException {
    if (!Files.isExecutable(Path.of("/usr/bin/openssl"))) {
      String why = "openssl is not installed (/usr/bin/openssl); it makes the test CA";
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(why);
      }
      System.out.println("skipped: " + why);
      Assumptions.abort(why);
    }
    Path ca = dir.resolve("ca.pem");
    Path caKey = dir.resolve("ca.key");
    openssl(
        dir,
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=fleetrotate test CA",
        "-keyout",
        caKey.toString(),
        "-out",
        ca.toString());
    Path ext =
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    TestCa made =
        new TestCa(
            ca,
            dir.resolve("server.pem"),
            dir.resolve("server.key"),
            dir.resolve("client.pem"),
            dir.resolve("client.key"));
    sign(dir, "localhost", made.serverCert(), made.serverKey(), ca, caKey, ext);
    sign(dir, "fleetrotate-agent", made.clientCert(), made.clientKey(), ca, caKey, null);
    return made;
  }

  private static void sign(Path dir, String cn, Path cert, Path key, Path ca, Path caKey, Path ext)
      throws IOException, InterruptedException {
    Path csr = dir.resolve(cn + ".csr");
    openssl(
        dir,
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=" + cn,
        "-keyout",
        key.toString(),
        "-out",
        csr.toString());
    List<String> x509 =
        new ArrayList<>(
            List.of(
                "x509",
                "-req",
                "-in",
                csr.toString(),
                "-CA",
                ca.toString(),
                "-CAkey",
                caKey.toString(),
                "-CAcreateserial",
                "-days",
                "2",
                "-out",
                cert.toString()));
    if (ext != null) {
      x509.addAll(List.of("-extfile", ext.toString()));
    }
    openssl(dir, x509.toArray(String[]::new));
  }

  private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Path out = dir.resolve("openssl.log");
    Process p =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s failed: %s", cmd, Files.readString(out)).isZero();
  }
}
