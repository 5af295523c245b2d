package dev.monetize.config.internal;

import com.fasterxml.jackson.core.Version;

/**
 * Refuses, with what to do, a class path that mixes Jackson versions. Jackson's modules work only
 * with the same minor version of each other, and a framework's own Jackson module (Jersey's
 * {@code jersey-media-json-jackson}, say) wins Maven's nearest-first choice over the one Monetize
 * comes with: the mix then fails later, deep in a parse, with a {@link NoSuchMethodError}.
 */
public final class JacksonVersions {
  /** The oldest Jackson minor version Monetize is built and tested with. */
  static final int MINIMUM_MINOR = 18;
  private static volatile boolean checked;

  private JacksonVersions() {
  }

  /**
   * Checks the class path once.
   *
   * @throws IllegalStateException naming the versions found and the BOM to import
   */
  public static void require() {
    if (checked) {
      return;
    }
    String problem = problem(com.fasterxml.jackson.core.json.PackageVersion.VERSION,
        com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION,
        com.fasterxml.jackson.dataformat.yaml.PackageVersion.VERSION);
    if (problem != null) {
      throw new IllegalStateException(problem);
    }
    checked = true;
  }

  /** What is wrong with these versions of jackson-core, jackson-databind and jackson-dataformat-yaml; null: nothing. */
  static String problem(Version core, Version databind, Version yaml) {
    boolean oneMinor = core.getMajorVersion() == databind.getMajorVersion()
        && core.getMajorVersion() == yaml.getMajorVersion() && core.getMinorVersion() == databind.getMinorVersion()
        && core.getMinorVersion() == yaml.getMinorVersion();
    if (oneMinor && core.getMajorVersion() == 2 && core.getMinorVersion() >= MINIMUM_MINOR) {
      return null;
    }
    return "Monetize needs jackson-core, jackson-databind and jackson-dataformat-yaml of one version, 2."
        + MINIMUM_MINOR + " or later; the class path has jackson-core " + core.toString() + ", jackson-databind "
        + databind.toString() + " and jackson-dataformat-yaml " + yaml.toString()
        + ". Import com.fasterxml.jackson:jackson-bom (2." + MINIMUM_MINOR + ".2 or later) in your dependencyManagement, "
        + "before any other BOM";
  }
}
