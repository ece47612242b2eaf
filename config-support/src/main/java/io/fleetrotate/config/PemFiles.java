package io.fleetrotate.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Certificates and keys from PEM files, with the JDK alone; each failure one sentence. */
public final class PemFiles {
  private static final Pattern PRIVATE_KEY =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

  private PemFiles() {}

  /**
   * Every certificate in {@code file}.
   *
   * @throws IOException the file is missing, unreadable or holds no PEM certificate
   */
  public static List<X509Certificate> certificates(Path file) throws IOException {
    byte[] bytes = read(file);
    try {
      List<X509Certificate> certs = new ArrayList<>();
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (var c : factory.generateCertificates(new ByteArrayInputStream(bytes))) {
        certs.add((X509Certificate) c);
      }
      if (certs.isEmpty()) {
        throw new IOException(file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
      }
      return certs;
    } catch (CertificateException e) {
      throw new IOException(
          file + " is not a PEM certificate file (-----BEGIN CERTIFICATE-----)", e);
    }
  }

  /**
   * The unencrypted PKCS#8 private key in {@code file} (RSA, EC or Ed25519).
   *
   * @throws IOException the file is missing, unreadable or holds no such key
   */
  public static PrivateKey privateKey(Path file) throws IOException {
    String text = new String(read(file), StandardCharsets.US_ASCII);
    Matcher m = PRIVATE_KEY.matcher(text);
    if (!m.find()) {
      throw new IOException(
          file
              + " holds no unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----); convert it with"
              + " openssl pkcs8 -topk8 -nocrypt");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(1));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + " holds a private key that is not valid base64", e);
    }
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "EdDSA")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (InvalidKeySpecException | NoSuchAlgorithmException tryNext) {
        // Not this algorithm.
      }
    }
    throw new IOException(file + " holds a private key that is not RSA, EC or Ed25519");
  }

  private static byte[] read(Path file) throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IOException(file + " does not exist", e);
    } catch (IOException e) {
      throw new IOException(file + " cannot be read (" + e.getClass().getSimpleName() + ")", e);
    }
  }
}
