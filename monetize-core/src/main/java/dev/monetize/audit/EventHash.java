package dev.monetize.audit;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The hash of an event written straight from its fields: the canonical JSON of
 * {@link AuditEvent#fields()} (members in their fixed sorted order) goes into a buffer each thread
 * reuses, is encoded as UTF-8 into another and hashed there, with no map, string or copy of the
 * event in between. A property test holds it byte for byte to {@link CanonicalJson} of the fields.
 */
final class EventHash {
  // each member name with its punctuation, encoded once
  private static final byte[] BYTES_IN = ascii("{\"bytes_in\":");
  private static final byte[] BYTES_OUT = ascii(",\"bytes_out\":");
  private static final byte[] CLIENT_ADDRESS = ascii(",\"client_address\":");
  private static final byte[] CODE = ascii(",\"code\":");
  private static final byte[] CUSTOMER_ID = ascii(",\"customer_id\":");
  private static final byte[] DETAILS = ascii(",\"details\":");
  private static final byte[] KEY_ID = ascii(",\"key_id\":");
  private static final byte[] LATENCY_US = ascii(",\"latency_us\":");
  private static final byte[] METHOD = ascii(",\"method\":");
  private static final byte[] OPERATION = ascii(",\"operation\":");
  private static final byte[] PATH = ascii(",\"path\":");
  private static final byte[] PATH_TEMPLATE = ascii(",\"path_template\":");
  private static final byte[] PREV_HASH = ascii(",\"prev_hash\":");
  private static final byte[] QUERY = ascii(",\"query\":");
  private static final byte[] REQUEST_ID = ascii(",\"request_id\":");
  private static final byte[] SEGMENT = ascii(",\"segment\":");
  private static final byte[] SEQ = ascii(",\"seq\":");
  private static final byte[] STATUS = ascii(",\"status\":");
  private static final byte[] TIME = ascii(",\"time\":\"");
  private static final byte[] USER_AGENT = ascii("\",\"user_agent\":");

  private static final class Buffers {
    final JsonBytes json = new JsonBytes(1_024);
    final byte[] digest = new byte[32];
    final Draft draft = new Draft(this);
    final MessageDigest sha256;
    /**
     * The hex bytes of hashes this thread made lately, by the identity of their string: the next event
     * of a chain is linked after the string its previous event holds, so its {@code prev_hash} is
     * copied from here instead of being escaped and encoded character by character (twice).
     */
    final String[] madeHashes = new String[MADE];
    final byte[][] madeHex = new byte[MADE][64];
    // a slot is the hash's first hex digit: a lookup reads it off the string, the maker off the digest

    Buffers() {
      try {
        sha256 = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is part of every JDK", e);
      }
    }
  }

  private static final int MADE = 16;
  /** The slots of {@link JsonBytes#string(String, int)}: fields that hold the same string event after event. */
  private static final int SLOT_CODE = 0;
  private static final int SLOT_CUSTOMER = 1;
  private static final int SLOT_KEY = 2;
  private static final int SLOT_METHOD = 3;
  private static final int SLOT_OPERATION = 4;
  private static final int SLOT_TEMPLATE = 5;
  private static final int SLOT_SEGMENT = 6;
  private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

  private EventHash() {
  }

  /**
   * The fields of an event about to be made, in this thread's draft: read by {@link #of} before the
   * next call on this thread, never kept, and never handed to another thread (it carries this
   * thread's digest and buffer).
   */
  static EventFields draft(Instant time, String requestId, Optional<String> customerId, Optional<String> keyId,
      String operationId, String method, String path, String remoteAddress, int status, String decision,
      long durationMicros, long bytesOut, Map<String, String> details, long bytesIn, String pathTemplate,
      Map<String, String> query, String userAgent) {
    Draft d = BUFFERS.get().draft;
    d.time = time;
    d.requestId = requestId;
    d.customerId = customerId;
    d.keyId = keyId;
    d.operationId = operationId;
    d.method = method;
    d.path = path;
    d.remoteAddress = remoteAddress;
    d.status = status;
    d.decision = decision;
    d.durationMicros = durationMicros;
    d.bytesOut = bytesOut;
    d.details = details;
    d.bytesIn = bytesIn;
    d.pathTemplate = pathTemplate;
    d.query = query;
    d.userAgent = userAgent;
    return d;
  }

  /** One thread's draft of an event: the fields {@link #write} reads, set by {@link #draft}. */
  private static final class Draft implements EventFields {
    /** The buffers of the thread this draft belongs to: {@link #of} finds them here without a thread-local lookup. */
    private final Buffers buffers;
    private Instant time;
    private String requestId;
    private Optional<String> customerId;
    private Optional<String> keyId;
    private String operationId;
    private String method;
    private String path;
    private String remoteAddress;
    private int status;
    private String decision;
    private long durationMicros;
    private long bytesOut;
    private Map<String, String> details;
    private long bytesIn;
    private String pathTemplate;
    private Map<String, String> query;
    private String userAgent;

    Draft(Buffers buffers) {
      this.buffers = buffers;
    }

    @Override
    public Instant time() {
      return time;
    }

    @Override
    public String requestId() {
      return requestId;
    }

    @Override
    public Optional<String> customerId() {
      return customerId;
    }

    @Override
    public Optional<String> keyId() {
      return keyId;
    }

    @Override
    public String operationId() {
      return operationId;
    }

    @Override
    public String method() {
      return method;
    }

    @Override
    public String path() {
      return path;
    }

    @Override
    public String remoteAddress() {
      return remoteAddress;
    }

    @Override
    public int status() {
      return status;
    }

    @Override
    public String decision() {
      return decision;
    }

    @Override
    public long durationMicros() {
      return durationMicros;
    }

    @Override
    public long bytesOut() {
      return bytesOut;
    }

    @Override
    public Map<String, String> details() {
      return details;
    }

    @Override
    public long bytesIn() {
      return bytesIn;
    }

    @Override
    public String pathTemplate() {
      return pathTemplate;
    }

    @Override
    public Map<String, String> query() {
      return query;
    }

    @Override
    public String userAgent() {
      return userAgent;
    }
  }

  private static byte[] ascii(String text) {
    return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** Hex SHA-256 of {@code prevHash} and the canonical JSON of {@code e} at {@code seq} of {@code segment}. */
  static String of(EventFields e, String segment, long seq, String prevHash) {
    Buffers b = e instanceof Draft d ? d.buffers : BUFFERS.get(); // a draft is only ever read on its own thread
    assert b == BUFFERS.get() : "a draft was handed to another thread: its buffers are its own thread's";
    JsonBytes t = b.json;
    t.reset();
    int slot = prevHash.isEmpty() ? 0 : Character.digit(prevHash.charAt(0), 16) & (MADE - 1); // its first digit
    byte[] prevHex = b.madeHashes[slot] == prevHash ? b.madeHex[slot] : null; // a hash made here: plain hex
    if (prevHex != null) {
      t.ascii(prevHex);
    } else {
      t.raw(prevHash);
    }
    write(t, e, segment, seq, prevHash, prevHex);
    b.sha256.update(t.bytes(), 0, t.size());
    try {
      b.sha256.digest(b.digest, 0, 32);
    } catch (DigestException x) {
      throw new IllegalStateException("a SHA-256 digest is 32 bytes", x);
    }
    int mine = (b.digest[0] >> 4) & (MADE - 1); // the first hex digit, as a later lookup finds it
    b.madeHashes[mine] = null; // forgotten before its bytes change: a failure below leaves no wrong pair
    byte[] hex = b.madeHex[mine];
    for (int i = 0; i < 32; i++) {
      hex[2 * i] = JsonBytes.HEX[(b.digest[i] >> 4) & 0xF];
      hex[2 * i + 1] = JsonBytes.HEX[b.digest[i] & 0xF];
    }
    String hash = new String(hex, java.nio.charset.StandardCharsets.ISO_8859_1); // its own copy: the slot is reused
    b.madeHashes[mine] = hash;
    return hash;
  }

  /** The canonical JSON of {@code e} without {@code hash}, as {@code CanonicalJson.of(e.fields())} writes it. */
  static void write(JsonBytes t, EventFields e, String segment, long seq, String prevHash) {
    write(t, e, segment, seq, prevHash, null);
  }

  /** {@link #write(JsonBytes, EventFields, String, long, String)}, {@code prevHash} given as its hex bytes when known. */
  private static void write(JsonBytes t, EventFields e, String segment, long seq, String prevHash, byte[] prevHex) {
    t.ascii(BYTES_IN).number(e.bytesIn());
    t.ascii(BYTES_OUT).number(e.bytesOut());
    t.ascii(CLIENT_ADDRESS).string(e.remoteAddress());
    t.ascii(CODE).string(e.decision(), SLOT_CODE);
    if (e.customerId().isPresent()) {
      t.ascii(CUSTOMER_ID).string(e.customerId().get(), SLOT_CUSTOMER);
    }
    if (!e.details().isEmpty()) {
      map(t.ascii(DETAILS), e.details());
    }
    if (e.keyId().isPresent()) {
      t.ascii(KEY_ID).string(e.keyId().get(), SLOT_KEY);
    }
    t.ascii(LATENCY_US).number(e.durationMicros());
    t.ascii(METHOD).string(e.method(), SLOT_METHOD);
    t.ascii(OPERATION).string(e.operationId(), SLOT_OPERATION);
    t.ascii(PATH).string(e.path());
    t.ascii(PATH_TEMPLATE).string(e.pathTemplate(), SLOT_TEMPLATE);
    if (prevHex != null) { // hex digits need no escape
      t.ascii(PREV_HASH).ascii('"').ascii(prevHex).ascii('"');
    } else {
      t.ascii(PREV_HASH).string(prevHash);
    }
    if (!e.query().isEmpty()) {
      map(t.ascii(QUERY), e.query());
    }
    t.ascii(REQUEST_ID).string(e.requestId());
    t.ascii(SEGMENT).string(segment, SLOT_SEGMENT);
    t.ascii(SEQ).number(seq);
    t.ascii(STATUS).number(e.status());
    t.ascii(TIME);
    instant(t, e.time());
    t.ascii(USER_AGENT).string(e.userAgent());
    t.ascii('}');
  }

  /** A map an event holds: a TreeMap (or empty), so its entries already come in UTF-16 order. */
  private static void map(JsonBytes t, Map<String, String> m) {
    t.ascii('{');
    boolean first = true;
    for (Map.Entry<String, String> x : m.entrySet()) {
      if (!first) {
        t.ascii(',');
      }
      first = false;
      t.string(x.getKey()).ascii(':').string(x.getValue());
    }
    t.ascii('}');
  }

  /** {@link Instant#toString()} written without a formatter (years 0 to 9999; others through toString). */
  static void instant(JsonBytes t, Instant i) {
    long seconds = i.getEpochSecond();
    if (seconds == t.secondCached) { // the second of the event before: its 19 bytes again
      t.ascii(t.second);
    } else if (!dateAndTime(t, seconds)) {
      t.raw(i.toString());
      return;
    }
    int nanos = i.getNano();
    if (nanos > 0) {
      t.ascii('.');
      if (nanos % 1_000_000 == 0) {
        t.digits(nanos / 1_000_000, 3);
      } else if (nanos % 1_000 == 0) {
        t.digits(nanos / 1_000, 6);
      } else {
        t.digits(nanos, 9);
      }
    }
    t.ascii('Z');
  }

  /** The date and time of day of {@code seconds} ({@code 2026-12-06T00:31:07}); false outside years 0 to 9999. */
  private static boolean dateAndTime(JsonBytes t, long seconds) {
    long days = Math.floorDiv(seconds, 86_400);
    int secondOfDay = Math.floorMod(seconds, 86_400);
    // civil date from days since 1970-01-01 (H. Hinnant's algorithm)
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long doe = z - era * 146_097;
    long yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long day = doy - (153 * mp + 2) / 5 + 1;
    long month = mp < 10 ? mp + 3 : mp - 9;
    long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    if (year < 0 || year > 9_999) {
      return false;
    }
    int from = t.size();
    t.digits(year, 4).ascii('-').digits(month, 2).ascii('-').digits(day, 2).ascii('T')
        .digits(secondOfDay / 3_600, 2).ascii(':').digits(secondOfDay / 60 % 60, 2).ascii(':')
        .digits(secondOfDay % 60, 2);
    System.arraycopy(t.bytes(), from, t.second, 0, t.second.length); // always 19 bytes: years have 4 digits here
    t.secondCached = seconds;
    return true;
  }
}
