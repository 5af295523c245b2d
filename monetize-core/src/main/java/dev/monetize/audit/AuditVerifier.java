package dev.monetize.audit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks exported audit events (JSON lines, as {@code GET /monetize/audit/export} writes them):
 * within each run ({@code segment}) of each tenant's chain, ordered by {@code seq}, every event must
 * follow the one before it
 * ({@code seq} one more, {@code prev_hash} its {@code hash}) and carry the hash of what it says. A
 * changed, removed, reordered or inserted event breaks that; the first one that does is named.
 *
 * <pre>{@code
 * AuditVerifier.verify(reader).ifPresent(problem -> System.err.println(problem));
 * }</pre>
 */
public final class AuditVerifier {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AuditVerifier() {
  }

  /** The first problem of the JSON lines {@code in}, if any (an empty export verifies). */
  public static Optional<String> verify(BufferedReader in) throws IOException {
    List<Map<String, Object>> events = new ArrayList<>();
    String line;
    int number = 0;
    while ((line = in.readLine()) != null) {
      number++;
      if (line.isBlank()) {
        continue;
      }
      try {
        Map<String, Object> e = JSON.readValue(line, new TypeReference<LinkedHashMap<String, Object>>() { });
        e.put("@line", number);
        events.add(e);
      } catch (IOException e) {
        return Optional.of("line " + number + ": not a JSON object");
      }
    }
    return verify(events);
  }

  /** The first problem of these parsed events (each with an optional {@code @line} for messages), if any. */
  public static Optional<String> verify(List<Map<String, Object>> events) {
    Map<String, List<Map<String, Object>>> chains = new LinkedHashMap<>();
    for (Map<String, Object> e : events) {
      chains.computeIfAbsent(chainOf(e), k -> new ArrayList<>()).add(e);
    }
    for (List<Map<String, Object>> list : chains.values()) {
      list.sort(Comparator.comparingLong(AuditVerifier::seq));
      Follower f = new Follower();
      for (Map<String, Object> e : list) {
        Optional<String> problem = f.next(e);
        if (problem.isPresent()) {
          return problem;
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The runs of the JSON lines {@code in} whose first event in the file is past seq 1, one sentence
   * each: the events before it are not in the file. An export narrowed with {@code from} begins so;
   * so does a run whose first events were removed, or an event moved out of its run into one of its
   * own, which the file alone cannot tell apart (a stored chain can: {@code verify --jdbc}).
   */
  public static List<String> runsBegunLate(BufferedReader in) throws IOException {
    Map<String, Long> first = new LinkedHashMap<>();
    String line;
    while ((line = in.readLine()) != null) {
      if (!line.isBlank()) {
        parseLine(line).ifPresent(e -> first.merge(chainOf(e), seq(e), Math::min));
      }
    }
    List<String> out = new ArrayList<>();
    first.forEach((run, seq) -> {
      if (seq > 1) {
        out.add("chain " + run + " begins at seq " + seq + " in this file: its earlier events are not in it");
      }
    });
    return out;
  }

  /** The event of one exported line as members, when it is a JSON object. */
  public static Optional<Map<String, Object>> parseLine(String line) {
    try {
      return Optional.of(JSON.readValue(line, new TypeReference<LinkedHashMap<String, Object>>() { }));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String chainOf(Map<String, Object> e) {
    Object customer = e.get("customer_id");
    return (customer instanceof String s ? s : AuditEvent.NO_CUSTOMER_CHAIN) + " (run " + e.get("segment") + ")";
  }

  /**
   * Follows chains one event at a time, in the order of chain, run and {@code seq} (as a database
   * returns them sorted), so a chain of any length is checked in constant memory.
   *
   * <pre>{@code
   * AuditVerifier.Follower f = new AuditVerifier.Follower();
   * for (Map<String, Object> e : sortedEvents) f.next(e).ifPresent(problem -> ...);
   * }</pre>
   */
  public static final class Follower {
    private String chain;
    private Map<String, Object> before;

    /** A follower at the start of the first chain. */
    public Follower() {
    }

    /** The problem of {@code e}, the next event, if any (with an optional {@code @line} or {@code @row}). */
    public Optional<String> next(Map<String, Object> e) {
      String c = chainOf(e);
      if (!c.equals(chain)) {
        chain = c;
        before = null;
      }
      String where = "chain " + c + ", seq " + e.get("seq") + where(e);
      if (!(e.get("hash") instanceof String hash) || !(e.get("prev_hash") instanceof String prev)
          || !(e.get("seq") instanceof Number)) {
        return Optional.of(where + ": no seq, prev_hash or hash");
      }
      if (before == null && seq(e) == 1 && !prev.equals(AuditEvent.GENESIS)
          && !prev.equals(AuditEvent.LEGACY_GENESIS)) {
        return Optional.of(where + ": the first event of a chain has an empty prev_hash");
      }
      if (before != null) {
        if (seq(e) != seq(before) + 1) {
          return Optional.of(where + ": follows seq " + seq(before) + " (an event is missing or inserted)");
        }
        if (!prev.equals(before.get("hash"))) {
          return Optional.of(where + ": prev_hash is not the hash of seq " + seq(before));
        }
      }
      Map<String, Object> fields = new LinkedHashMap<>(e);
      fields.remove("hash");
      fields.remove("@line");
      fields.remove("@row");
      String computed;
      try {
        computed = AuditEvent.hashOf(prev, fields);
      } catch (IllegalArgumentException notCanonical) { // a number past 2^53, a lone surrogate: no event of ours
        return Optional.of(where + ": it has no canonical form (" + notCanonical.getMessage() + ")");
      }
      if (!computed.equals(hash)) {
        return Optional.of(where + ": its hash does not match its content (changed)");
      }
      before = Map.of("seq", e.get("seq"), "hash", hash);
      return Optional.empty();
    }
  }

  private static long seq(Map<String, Object> e) {
    return e.get("seq") instanceof Number n ? n.longValue() : Long.MIN_VALUE;
  }

  private static String where(Map<String, Object> e) {
    return e.get("@line") instanceof Number n ? " (line " + n + ")"
        : e.get("@row") instanceof Number n ? " (row " + n + ")" : "";
  }
}
