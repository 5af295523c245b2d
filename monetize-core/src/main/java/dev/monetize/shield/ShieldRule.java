package dev.monetize.shield;

import dev.monetize.http.Cidr;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One entry of the allow or deny list: a network, until when (forever when empty), and when it was
 * added. Allowed addresses pass the shield whatever the deny list, bans and the per-address limit
 * say (they still need a credential); denied ones are refused {@code 403 ip_denied}.
 *
 * @param id the entry's id ({@code sr_} and 16 characters), named in the management API
 * @param kind allow or deny
 * @param cidr the network
 * @param until when the entry lapses by itself; empty: never
 * @param created when it was added
 */
public record ShieldRule(String id, Kind kind, Cidr cidr, Optional<Instant> until, Instant created) {
  private static final Pattern ID = Pattern.compile("sr_[a-z0-9]{16}");

  /** Which list. */
  public enum Kind {
    /** Always let through the shield. */
    ALLOW,
    /** Refused with {@code 403 ip_denied}. */
    DENY;

    /** {@code allow} or {@code deny}, as the management API names it. */
    public String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Validates. */
  public ShieldRule {
    if (!validId(id)) {
      throw new IllegalArgumentException("a shield rule id is sr_ and 16 of a-z 0-9, got " + id);
    }
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(cidr, "cidr");
    Objects.requireNonNull(until, "until");
    Objects.requireNonNull(created, "created");
  }

  /** A new entry with a fresh id. */
  public static ShieldRule of(Kind kind, Cidr cidr, Optional<Instant> until, Instant now) {
    StringBuilder id = new StringBuilder("sr_");
    java.security.SecureRandom r = new java.security.SecureRandom();
    for (int i = 0; i < 16; i++) {
      id.append("abcdefghijklmnopqrstuvwxyz0123456789".charAt(r.nextInt(36)));
    }
    return new ShieldRule(id.toString(), kind, cidr, until, now);
  }

  /** Whether {@code id} has the shape of a rule id. */
  public static boolean validId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /** Whether the entry still applies at {@code now}. */
  public boolean active(Instant now) {
    return until.isEmpty() || now.isBefore(until.get());
  }
}
