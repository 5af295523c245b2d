package dev.monetize.redis;

import dev.monetize.limits.ConcurrencyPolicy;
import dev.monetize.limits.LimitPolicy;
import dev.monetize.limits.LimitRequest;
import dev.monetize.limits.QuotaPolicy;
import dev.monetize.limits.RatePolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * What one list of limits sends to {@code acquire.lua} whatever the time: its {@code KEYS} and, per
 * limit, the 9 arguments (kind, cost, soft, key index, field, second field, a, b, c). Built once
 * per list, already encoded: the engine reuses a customer's list on every request, so a request
 * encodes only its times and, with a concurrency limit, its lease id.
 */
final class ScriptLayout {
  /** Where a layout gets a quota's windows around a time (its store's shared ones). */
  @FunctionalInterface
  interface WindowSource {
    QuotaWindows windows(QuotaPolicy quota, long now);
  }

  static final int HEADER = 5;
  static final int PER_LIMIT = 9;

  final byte[][] keys;
  /** The limits it was built from, to tell a list changed in place (a caller's mutable list). */
  private final LimitRequest[] requests;
  private final byte[][] limitArgs;
  /** Where the lease id goes, or -1 without a concurrency limit. */
  private final int leaseAt;
  private final QuotaPolicy[] quotas;
  /**
   * Each quota's windows as last used, read and replaced without a lock: a reference to an
   * immutable {@link QuotaWindows} (shared with the other layouts of the quota), so a reader sees
   * one whole set or another, and a set that no longer holds is asked for again.
   */
  private final QuotaWindows[] windows;
  private final int limits;

  private ScriptLayout(LimitRequest[] requests, byte[][] keys, byte[][] limitArgs, int leaseAt, QuotaPolicy[] quotas,
      int limits) {
    this.requests = requests;
    this.keys = keys;
    this.limitArgs = limitArgs;
    this.leaseAt = leaseAt;
    this.quotas = quotas;
    this.windows = new QuotaWindows[quotas.length];
    this.limits = limits;
  }

  /** @param prefix the store's key prefix */
  static ScriptLayout of(List<LimitRequest> requests, String prefix, long leaseTimeoutMillis) {
    int n = requests.size();
    List<String> keys = new ArrayList<>(2);
    List<QuotaPolicy> quotas = new ArrayList<>(2);
    String[] args = new String[n * PER_LIMIT];
    int leaseAt = -1;
    for (int i = 0; i < n; i++) {
      LimitRequest r = requests.get(i);
      LimitPolicy policy = r.policy();
      int at = i * PER_LIMIT;
      String kind;
      String key;
      String[] fields = {"-", "-"};
      String a = "-";
      String b = "-";
      String c = "-";
      if (policy instanceof RatePolicy p) {
        kind = "r";
        String[] slot = slotOf(prefix, r.key());
        key = slot[0];
        fields = new String[] {slot[1], slot[2]};
        a = Long.toString(p.emissionNanos());
        b = Long.toString(p.toleranceNanos());
      } else if (policy instanceof QuotaPolicy q) {
        kind = "q";
        String[] slot = slotOf(prefix, r.key());
        key = slot[0];
        fields = new String[] {slot[1], slot[2]};
        a = Long.toString(q.limit());
        quotas.add(q);
      } else if (policy instanceof ConcurrencyPolicy p) {
        kind = "c";
        key = prefix + r.key();
        a = Long.toString(p.limit());
        leaseAt = HEADER + at + 7; // one lease id per request, for every concurrency limit of it
        c = Long.toString(leaseTimeoutMillis);
      } else {
        kind = "m";
        key = prefix + r.key();
      }
      int index = keys.indexOf(key);
      if (index < 0) {
        keys.add(key);
        index = keys.size() - 1;
      }
      args[at] = kind;
      args[at + 1] = Long.toString(r.cost());
      args[at + 2] = r.soft() ? "1" : "0";
      args[at + 3] = Integer.toString(index + 1);
      args[at + 4] = fields[0];
      args[at + 5] = fields[1];
      args[at + 6] = a;
      args[at + 7] = b;
      args[at + 8] = c;
    }
    return new ScriptLayout(requests.toArray(LimitRequest[]::new), encode(keys.toArray(String[]::new)), encode(args),
        leaseAt, quotas.toArray(QuotaPolicy[]::new), n);
  }

  /**
   * Where a rate's or quota's state lives, as {hash, field, second field}: a customer's own limit
   * ({@code {acme}:daily}) is a field of the customer's hash ({@code {acme}#limits}), so one read and
   * one write serve all of them; a limit per key, operation or address has a hash of its own (its
   * fields are not bounded), and so has a key whose name starts with {@code #} (a customer's hash keeps
   * its expiry in the field {@code #exp}). Every hash's name ends in {@code #limits}, a name no key of the earlier
   * layout (one string per limit) had: instances of both layouts never read each other's keys as the
   * wrong type.
   */
  static String[] slotOf(String prefix, String key) {
    int close = key.startsWith("{") ? key.indexOf('}') : -1;
    boolean own = close > 0 && key.length() > close + 2 && key.charAt(close + 1) == ':'
        && key.indexOf(':', close + 2) < 0 && key.charAt(close + 2) != '#'; // '#exp' is the hash's own
    String field = own ? key.substring(close + 2) : "v";
    return new String[] {own ? prefix + key.substring(0, close + 1) + "#limits" : prefix + key + "#limits", field,
        field + ":2"};
  }

  /** Keys and arguments as the script receives them: UTF-8 bytes. */
  static byte[][] encode(String... values) {
    byte[][] out = new byte[values.length][];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i].getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    return out;
  }

  /** Whether {@code list} still holds the very limits this layout was built from. */
  boolean matches(List<LimitRequest> list) {
    if (list.size() != requests.length) {
      return false;
    }
    for (int i = 0; i < requests.length; i++) {
      if (list.get(i) != requests[i]) {
        return false;
      }
    }
    return true;
  }

  /** Whether a request with these limits takes a lease. */
  boolean leases() {
    return leaseAt >= 0;
  }

  /**
   * The whole {@code ARGV} of one call.
   *
   * @param header now (seconds, nanoseconds or '-' '-'), the signed limit count, the deadline (2 values)
   * @param now the caller's clock (epoch nanoseconds): each quota gets its 4 window boundaries around it
   * @param source the windows around {@code now} of a quota whose windows here no longer hold
   * @param lease the lease id when {@link #leases()}
   */
  byte[][] args(byte[][] header, long now, WindowSource source, byte[] lease) {
    byte[][] args = new byte[HEADER + limitArgs.length + quotas.length * 4][];
    System.arraycopy(header, 0, args, 0, HEADER);
    System.arraycopy(limitArgs, 0, args, HEADER, limitArgs.length);
    if (leaseAt >= 0) {
      for (int i = 0; i < limits; i++) {
        if (limitArgs[i * PER_LIMIT][0] == 'c') {
          args[HEADER + i * PER_LIMIT + 7] = lease;
        }
      }
    }
    int at = HEADER + limitArgs.length;
    for (int i = 0; i < quotas.length; i++) {
      QuotaWindows w = windows[i];
      if (w == null || !w.holds(now)) {
        w = source.windows(quotas[i], now);
        windows[i] = w;
      }
      System.arraycopy(w.bounds, 0, args, at, 4);
      at += 4;
    }
    return args;
  }
}
