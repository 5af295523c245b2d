package dev.monetize.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.monetize.http.Cidr;
import dev.monetize.plans.Rate;
import dev.monetize.shield.ShieldPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The plans file's {@code shield} section:
 * <pre>{@code
 * shield:
 *   allow: ["10.20.0.0/16"]                  # always let through (still needs a credential)
 *   deny: ["198.51.100.0/24", "2001:db8:bad::/48"]
 *   unauthenticated: { count: 2, period: 1s, burst: 19 }   # requests without a valid credential per address
 *   ban: { after: 50, window: 1m, first: 1m, longest: 1d } # failed authentications that ban an address
 *   limit_private: false                     # loopback and private addresses: never limited or banned
 * }</pre>
 */
final class ShieldReader extends Nodes {
  private static final Set<String> FIELDS = Set.of("allow", "deny", "unauthenticated", "ban", "limit_private");
  private static final Set<String> RATE_FIELDS = Set.of("count", "period", "burst");
  private static final Set<String> BAN_FIELDS = Set.of("after", "window", "first", "longest");

  ShieldReader(String source) {
    super(source);
  }

  ShieldPolicy read(JsonNode node, String path) {
    object(node, path, FIELDS);
    ShieldPolicy defaults = ShieldPolicy.defaults();
    List<Cidr> allow = networks(node, "allow", path);
    List<Cidr> deny = networks(node, "deny", path);
    Rate rate = defaults.unauthenticated();
    if (node.hasNonNull("unauthenticated")) {
      String rp = path + ".unauthenticated";
      JsonNode r = node.get("unauthenticated");
      object(r, rp, RATE_FIELDS);
      long count = integer(r, "count", rp, 1, 1_000_000, -1);
      Duration period = duration(r, "period", rp, Duration.ofSeconds(1));
      long burst = integer(r, "burst", rp, 0, 1_000_000, 0);
      Rate[] built = new Rate[1];
      guard(rp, () -> built[0] = Rate.of(count, period).withBurst(burst));
      rate = built[0];
    }
    int after = defaults.banAfter();
    Duration window = defaults.banWindow();
    Duration first = defaults.firstBan();
    Duration longest = defaults.longestBan();
    if (node.hasNonNull("ban")) {
      String bp = path + ".ban";
      JsonNode b = node.get("ban");
      object(b, bp, BAN_FIELDS);
      after = (int) integer(b, "after", bp, 0, 1_000_000, after);
      window = duration(b, "window", bp, window);
      first = duration(b, "first", bp, first);
      longest = duration(b, "longest", bp, longest);
    }
    ShieldPolicy[] policy = new ShieldPolicy[1];
    Rate unauthenticated = rate;
    int banAfter = after;
    Duration banWindow = window;
    Duration firstBan = first;
    Duration longestBan = longest;
    boolean limitPrivate = flag(node, "limit_private", path);
    guard(path, () -> policy[0] = new ShieldPolicy(allow, deny, unauthenticated, banAfter, banWindow, firstBan,
        longestBan, limitPrivate));
    return policy[0];
  }

  private List<Cidr> networks(JsonNode node, String field, String path) {
    JsonNode list = node.get(field);
    List<Cidr> out = new ArrayList<>();
    if (list == null || list.isNull()) {
      return out;
    }
    if (!list.isArray()) {
      throw fail(path + "." + field, "must be a list of CIDRs such as [\"203.0.113.0/24\", \"2001:db8::/32\"]");
    }
    for (int i = 0; i < list.size(); i++) {
      String p = path + "." + field + "[" + i + "]";
      JsonNode v = list.get(i);
      if (!v.isTextual()) {
        throw fail(p, "must be a CIDR in quotes such as \"203.0.113.0/24\"; got " + v);
      }
      try {
        out.add(Cidr.parse(v.asText()));
      } catch (IllegalArgumentException e) {
        throw fail(p, e.getMessage());
      }
    }
    return out;
  }
}
