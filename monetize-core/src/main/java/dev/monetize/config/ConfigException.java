package dev.monetize.config;

/**
 * A configuration file that cannot be used. The message names the file, the field path (e.g.
 * {@code plans.free.rate.count}) and what is allowed there.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final String path;

  /** A problem at {@code path} in {@code source}. */
  public ConfigException(String source, String path, String problem) {
    super(source + ": " + (path.isEmpty() ? "" : path + ": ") + problem);
    this.source = source;
    this.path = path;
  }

  /** The file or resource name. */
  public String source() {
    return source;
  }

  /** The field path, empty for the whole document. */
  public String path() {
    return path;
  }
}
