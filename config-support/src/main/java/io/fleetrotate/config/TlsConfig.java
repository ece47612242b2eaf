package io.fleetrotate.config;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS towards a service of the site ({@code coordinator.tls}, {@code lock.redis.tls}): which CA
 * signs the server's certificate, and the agent's own certificate for services that ask for one.
 * All PEM files; validated when the configuration is read.
 *
 * @param ca the certificates that may sign the server's certificate (a private CA); absent means
 *     the JVM's trust store
 * @param cert the agent's client certificate chain, given with {@code key}
 * @param key the client certificate's private key, unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY})
 */
public record TlsConfig(Optional<Path> ca, Optional<Path> cert, Optional<Path> key) {
  /** The JVM's trust store, no client certificate. */
  public static final TlsConfig NONE =
      new TlsConfig(Optional.empty(), Optional.empty(), Optional.empty());

  public TlsConfig {
    Objects.requireNonNull(ca, "ca");
    Objects.requireNonNull(cert, "cert");
    Objects.requireNonNull(key, "key");
    if (cert.isPresent() != key.isPresent()) {
      throw new IllegalArgumentException("a client certificate needs both cert and key");
    }
  }

  /** Whether anything differs from the JVM's defaults. */
  public boolean isConfigured() {
    return ca.isPresent() || cert.isPresent();
  }

  /**
   * An SSL context that trusts {@link #ca} (or the JVM's trust store) and presents {@link #cert}.
   *
   * @throws IOException a file cannot be read or parsed; the message names it
   */
  public SSLContext sslContext() throws IOException {
    try {
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (ca.isPresent()) {
        KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
        anchors.load(null, null);
        List<X509Certificate> cas = PemFiles.certificates(ca.get());
        for (int i = 0; i < cas.size(); i++) {
          anchors.setCertificateEntry("ca-" + i, cas.get(i));
        }
        trust.init(anchors);
      } else {
        trust.init((KeyStore) null);
      }
      KeyManagerFactory keys = null;
      if (cert.isPresent()) {
        List<X509Certificate> chain = PemFiles.certificates(cert.get());
        PrivateKey privateKey = PemFiles.privateKey(key.orElseThrow());
        KeyStore own = KeyStore.getInstance(KeyStore.getDefaultType());
        own.load(null, null);
        char[] none = new char[0];
        own.setKeyEntry("client", privateKey, none, chain.toArray(X509Certificate[]::new));
        keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(own, none);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS from " + this + ": " + e.getMessage(), e);
    }
  }

  /** Whether {@code failure} is a TLS handshake that failed on the server's certificate. */
  public static boolean isUntrustedCertificate(Throwable failure) {
    boolean handshake = false;
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      handshake |= t instanceof SSLHandshakeException;
      if (handshake
          && (t instanceof CertificateException
              || t instanceof CertPathBuilderException
              || t instanceof CertPathValidatorException)) {
        return true;
      }
    }
    return false;
  }
}
