package dev.monetize;

import dev.monetize.errors.ErrorCode;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Lifecycle;
import dev.monetize.plans.Operation;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * The lifecycle of an operation's version on the wire: {@code Deprecation} (RFC 9745, a Structured
 * Field date {@code @<unix seconds>}), {@code Sunset} (RFC 8594, an HTTP-date) and
 * {@code Link: <guide>; rel="deprecation"} on every answer of a deprecated version, and
 * {@code 410 version_sunset} naming the successor once its sunset has passed.
 */
final class Versions {
  private Versions() {
  }

  /** The refusal of a call to a retired version, before its credential is looked at; empty while it answers. */
  static Optional<Decision> retired(Operation op, long epochNanos, Catalog catalog) {
    Optional<Lifecycle> l = op.lifecycle();
    if (l.isEmpty() || !l.get().sunsetBy(Instant.ofEpochSecond(0, epochNanos))) {
      return Optional.empty();
    }
    String next = l.get().successor().flatMap(catalog::operation)
        .map(s -> s.versionByHeader() && s.method().equals(op.method()) && s.pathTemplate().equals(op.pathTemplate())
            ? " Use its successor: send Api-Version: " + s.version().orElseThrow() + " (" + s.id() + ")."
            : " Use its successor, " + s.method() + " " + s.pathTemplate() + " (" + s.id() + ").").orElse("");
    return Optional.of(Decision.refuseAddress(ErrorCode.VERSION_SUNSET, op.method() + " " + op.pathTemplate()
        + " was retired on " + l.get().sunsetAt().orElseThrow() + "." + next, op, 0));
  }

  /**
   * RFC 9110's preferred HTTP-date ({@code IMF-fixdate}): a two-digit day, where
   * {@link DateTimeFormatter#RFC_1123_DATE_TIME} writes {@code 1 Jul}.
   */
  static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'",
      java.util.Locale.US);

  /** Adds the lifecycle headers of {@code op} (none for an operation that is not on the way out). */
  static void headers(Operation op, java.util.function.BiConsumer<String, String> headers) {
    if (op.versionByHeader()) { // which version answered, when the header chose it (or its absence did)
      headers.accept("Api-Version", op.version().orElseThrow());
      headers.accept("Vary", "Api-Version");
    }
    if (op.lifecycle().isEmpty()) {
      return;
    }
    Lifecycle l = op.lifecycle().get();
    headers.accept("Deprecation", "@" + l.deprecatedAt().getEpochSecond());
    l.sunsetAt().ifPresent(s -> headers.accept("Sunset",
        HTTP_DATE.format(s.atOffset(ZoneOffset.UTC))));
    link(op).ifPresent(link -> headers.accept("Link", link));
  }

  /** The {@code Link} to the migration guide of {@code op}, when it is on the way out and has one. */
  static java.util.Optional<String> link(Operation op) {
    return op.lifecycle().flatMap(Lifecycle::guide).map(g -> "<" + g.toASCIIString() + ">; rel=\"deprecation\"");
  }
}
