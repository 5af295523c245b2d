package dev.monetize;

import dev.monetize.management.ManagementApi;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/** A management API call as an adapter hands it over: a bearer credential, a body, one client address. */
final class ManagementCalls {
  private ManagementCalls() {}

  /** {@code method path} with {@code Authorization: Bearer credential} and {@code body}, from 10.0.0.9. */
  static ManagementApi.Response call(Monetize monetize, String method, String path, String credential, String body) {
    return monetize.managementApi().handle(new ManagementApi.Request(method, path, Map.of(),
        Optional.of("Bearer " + credential), Optional.empty(), body.getBytes(StandardCharsets.UTF_8), "10.0.0.9",
        "req-" + method + path));
  }
}
