package dev.monetize.docs;

// tag::plans[]
import dev.monetize.config.CatalogLoader;
import dev.monetize.plans.Catalog;
import java.nio.file.Path;
// end::plans[]

/** docs/plans.md: loading the plans file. */
final class PlansSetup {
  private PlansSetup() {}

  static Catalog load() {
    // tag::plans[]
    Catalog catalog = CatalogLoader.load(Path.of("plans.yaml")); // .json is read as JSON, else YAML
    // end::plans[]
    return catalog;
  }
}
