package dev.monetize;

import dev.monetize.openapi.OpenApi;
import dev.monetize.plans.Catalog;
import java.net.URI;

/** The service's OpenAPI 3.1 document, generated from the catalog on first use, as JSON and YAML. */
final class ServiceDocs {
  private final Catalog catalog;
  private final String title;
  private final String version;
  private final URI docsBase;
  private volatile String[] documents; // JSON, YAML

  private final dev.monetize.openapi.ApiSchemas schemas;

  ServiceDocs(Catalog catalog, String title, String version, URI docsBase, dev.monetize.openapi.ApiSchemas schemas) {
    this.schemas = schemas;
    this.catalog = catalog;
    this.title = title;
    this.version = version;
    this.docsBase = docsBase;
  }

  String json() {
    return documents()[0];
  }

  String yaml() {
    return documents()[1];
  }

  private String[] documents() {
    String[] d = documents;
    if (d == null) { // two first callers may both generate it: the same text, and no lock on the way
      OpenApi api = OpenApi.of(catalog).title(title).version(version).docsBase(docsBase.toString()).schemas(schemas);
      d = new String[] {api.json(), api.yaml()};
      documents = d;
    }
    return d;
  }
}
