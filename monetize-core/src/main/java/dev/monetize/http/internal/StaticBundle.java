package dev.monetize.http.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A page and its static assets, read once from the jar: each asset is served under a name that
 * carries a digest of its bytes ({@code dashboard-1a2b3c4d5e.js}), so it can be cached for a year
 * and a new release is fetched at once; the page's {@code {{name.ext}}} placeholders become those
 * names. The same bytes for everyone: nothing in them depends on the request.
 */
public final class StaticBundle {
  /** {@code Cache-Control} of an asset: its name changes with its bytes. */
  public static final String IMMUTABLE = "public, max-age=31536000, immutable";

  /** One file of the bundle. */
  public record Asset(String contentType, byte[] bytes) {}

  private final Map<String, Asset> assets;
  private final byte[] page;

  private StaticBundle(Map<String, Asset> assets, byte[] page) {
    this.assets = Map.copyOf(assets);
    this.page = page;
  }

  /**
   * Reads {@code folder/index.html} and {@code files} (names with their extension) next to
   * {@code anchor}'s package; in the page, {@code {{file}}} becomes {@code urlPrefix + digestName}.
   * A missing file, or a placeholder for a file that is not bundled, fails at once.
   */
  public static StaticBundle read(Class<?> anchor, String folder, String urlPrefix, String... files) {
    Map<String, Asset> assets = new LinkedHashMap<>();
    String page = new String(bytes(anchor, folder + "/index.html"), StandardCharsets.UTF_8);
    for (String file : files) {
      int dot = file.lastIndexOf('.');
      String ext = file.substring(dot + 1);
      byte[] b = bytes(anchor, folder + "/" + file);
      String name = file.substring(0, dot) + "-" + digest(b) + "." + ext;
      assets.put(name, new Asset(ext.equals("js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8", b));
      page = page.replace("{{" + file + "}}", urlPrefix + name);
    }
    if (page.contains("{{")) {
      throw new IllegalStateException(folder + "/index.html names a file that is not bundled");
    }
    return new StaticBundle(assets, page.getBytes(StandardCharsets.UTF_8));
  }

  /** The page. */
  public byte[] page() {
    return page.clone();
  }

  /** The asset of that digest-carrying name. */
  public Optional<Asset> asset(String name) {
    return Optional.ofNullable(assets.get(name));
  }

  private static byte[] bytes(Class<?> anchor, String name) {
    try (InputStream in = anchor.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from monetize-core's jar (next to "
            + anchor.getPackageName() + ")");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + name, e);
    }
  }

  private static String digest(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
