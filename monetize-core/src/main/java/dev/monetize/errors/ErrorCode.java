package dev.monetize.errors;

import java.net.URI;
import java.util.Locale;

/**
 * The stable machine codes of every refusal Monetize produces, each with its HTTP status, a
 * title that is the same for every occurrence and a hint that tells the caller how to fix it.
 *
 * <p>The code ({@link #code()}) is part of the public contract: clients switch on it, so it never
 * changes once released. Each code has a section in the error catalog; {@link #type(URI)} builds
 * the RFC 9457 {@code type} URI pointing at that section.
 *
 * <pre>{@code
 * ErrorCode.QUOTA_EXHAUSTED.code();    // "quota_exhausted"
 * ErrorCode.QUOTA_EXHAUSTED.status();  // 429
 * ErrorCode.QUOTA_EXHAUSTED.type(URI.create("https://monetize.dev"));
 *     // https://monetize.dev/errors#quota_exhausted
 * }</pre>
 */
public enum ErrorCode {
  /** No credential in {@code Authorization: Bearer} or {@code X-API-Key}. */
  KEY_MISSING(401, "API key missing",
      "No credential in `Authorization: Bearer <key>` or `X-API-Key`. Keys are never read "
          + "from the query string.",
      "Send your API key in the Authorization header as 'Bearer <key>' or in the X-API-Key header."),
  /** The credential is malformed, fails its checksum, or is unknown. */
  KEY_INVALID(401, "API key invalid",
      "The key is malformed (wrong length, alphabet or checksum: refused without a store "
          + "lookup), the `Authorization` header uses another scheme than Bearer, or the key is "
          + "unknown.",
      "Check that the key was copied completely; keys look like mk_live_... (mk_test_... on a test deployment) and are shown once at creation."),
  /** A test key on a live deployment or the reverse. */
  KEY_WRONG_ENVIRONMENT(401, "API key for another environment",
      "A `mk_test_` key on a live deployment or a `mk_live_` key on a test one.",
      "Use a mk_live_ key against the live service and a mk_test_ key against the test service."),
  /** The key passed its expiry time. */
  KEY_EXPIRED(401, "API key expired",
      "The key passed its expiry time.",
      "Create a new key or ask your administrator to extend this one."),
  /** The key was revoked. */
  KEY_REVOKED(401, "API key revoked",
      "The key was revoked.",
      "This key was revoked; create a new key."),
  /** The key was rotated: the overlap of its old secret is over, or the old secret asked for more than calls. */
  KEY_ROTATED(401, "API key rotated",
      "The key was rotated (`POST /monetize/keys/{id}/rotate`) and the overlap during which "
          + "its old secret still worked is over; or, during the overlap, the old secret asked for what "
          + "only the new one may do (rotate or manage keys, mint tokens, sign in to the dashboard). Use the "
          + "new secret returned by the rotation.",
      "This secret was replaced by a rotation: past the overlap it stops working, and during it it only calls "
          + "the API; use the new secret."),
  /** The dashboard session cookie names no open session (signed out, idle or too old). */
  SESSION_EXPIRED(401, "Session expired",
      "The dashboard session in the `monetize_session` cookie was closed by signing out, was idle for "
          + "20 minutes, is older than 4 hours, or was opened on another instance. Sign in again with "
          + "the API key.",
      "Sign in to the dashboard again with your API key."),
  /** A short-lived token is malformed, tampered with, signed by an unknown key or for another audience. */
  TOKEN_INVALID(401, "Token invalid",
      "The short-lived token is malformed, its signature does not verify, its algorithm or "
          + "`typ` is not the one allowed, it names another issuer or audience, or its key was "
          + "revoked. Mint a new token with `POST /monetize/tokens` and send it unchanged as "
          + "`Authorization: Bearer <token>`.",
      "Mint a new token with POST /monetize/tokens and send it unchanged as 'Authorization: Bearer <token>'."),
  /** A short-lived token is past its expiry (or not yet valid). */
  TOKEN_EXPIRED(401, "Token expired",
      "The token is past `exp` (or before `nbf`), beyond a small clock skew. Tokens live for "
          + "minutes: mint a new one.",
      "Tokens live for minutes: mint a new one with POST /monetize/tokens."),
  /** A key, project or token would hold a scope its parent lacks. */
  SCOPE_ESCALATION(403, "Scope escalation",
      "A new key, project or token asked for a scope that its parent does not hold: a key's "
          + "scopes must be covered by its project's, a project's by its organization's plan, a "
          + "minted key's or token's by the caller's own key. The detail lists the scopes that were "
          + "not covered. Also a key worth more than the caller's (higher limits, a longer life), and "
          + "key creation by a key with limits of its own.",
      "Ask only for scopes, limits and a lifetime your own key holds (the detail names what was over); "
          + "create keys with a key that has no limits of its own."),
  /** A dashboard session tried what only its key may do. */
  SESSION_NOT_ALLOWED(403, "Not allowed with a dashboard session",
      "A dashboard session reads, rotates and revokes keys and signs out; creating keys or projects, minting "
          + "tokens and the operator's changes need the API key itself in the Authorization header.",
      "Call this with your API key in the Authorization header, not from the dashboard."),
  /** A short-lived token tried what only an API key may do. */
  TOKEN_NOT_ALLOWED(403, "Token not allowed here",
      "Tokens cannot create, rotate or revoke keys or mint further tokens, whichever header carries "
          + "them (`Authorization: Bearer` or `X-API-Key`): a leaked token must never turn into a "
          + "lasting credential.",
      "Send an API key itself for this operation, not a token minted from it; a token is minted with a "
          + "customer's key, never with the operator credential."),
  /** The HTTP method is not supported on this path. */
  METHOD_NOT_ALLOWED(405, "Method not allowed",
      "The path exists but not with this method; the `Allow` header lists the methods it "
          + "accepts.",
      "Use one of the methods in the Allow header."),
  /** The key lacks the scope the operation requires. */
  SCOPE_DENIED(403, "Scope not granted",
      "The key lacks the scope the operation requires (the detail names it).",
      "Use a key that holds the scope named in the detail, or create one with it."),
  /** The customer's plan does not include the operation. */
  PLAN_DENIED(403, "Not included in your plan",
      "The customer's plan does not include the operation (rank below its minimum plan, or "
          + "scope not in the plan). The hint names the lowest plan that includes it.",
      "Upgrade to a plan that includes this operation; the hint names the lowest such plan."),
  /** The rate limit (requests per period with burst) is exceeded. */
  RATE_LIMITED(429, "Rate limit exceeded",
      "The rate (requests per period with burst) is used up. `Retry-After` says when the next "
          + "request passes.",
      "Wait for the number of seconds in Retry-After before retrying, or upgrade for a higher rate."),
  /** A quota for the current window (minute, hour, day or month) is used up. */
  QUOTA_EXHAUSTED(429, "Quota exhausted",
      "A quota for the current window is used up; `Retry-After` is the time until the window "
          + "resets. Answers before it carry `Monetize-Quota-Warning` (for example `\"daily\";used=80`) from "
          + "80% and 95% of the quota on.",
      "Wait until the quota window resets (Retry-After), or upgrade to a plan with a larger quota."),
  /** An organization holds as many projects, keys (or the deployment organizations) as allowed. */
  COUNT_LIMIT_REACHED(429, "Count limit reached",
      "The organization already holds as many projects or (not revoked) keys as the deployment "
          + "allows, or the deployment as many organizations (`ManagementLimits`). The detail names "
          + "the limit; `RateLimit-Policy` and `RateLimit` show it with nothing remaining.",
      "Revoke keys you no longer use, or ask the operator to raise the limit."),
  /** Too many requests of this customer are in flight at once. */
  CONCURRENCY_LIMITED(429, "Too many concurrent requests",
      "Too many requests of this customer (or key) are in flight at once (the plan's "
          + "`concurrency` limit).",
      "Wait for some of your requests in flight to finish before sending more, or upgrade for more parallelism."),
  /** The client address is on the deny list. */
  IP_DENIED(403, "Address denied",
      "The client address is in a network the operator denied (the plans file's `shield.deny`, or "
          + "`POST /monetize/shield/deny`). Refused before any credential is looked at.",
      "Contact the service's operator if you think your address should not be denied."),
  /** The version of the operation was retired at its sunset. */
  VERSION_SUNSET(410, "Version retired",
      "This version of the operation passed its sunset (announced in the `Sunset` header since its "
          + "deprecation) and no longer answers. The detail names its successor; the `Link` header "
          + "points to the migration guide.",
      "Call the successor named in the detail; follow the migration guide in the Link header."),
  /** The client address is banned for a while after repeated authentication failures. */
  IP_BANNED(403, "Address temporarily banned",
      "The client address sent too many requests with missing, malformed, unknown or revoked "
          + "credentials and is banned until `Retry-After` (each further ban lasts longer). Refused "
          + "before any credential is looked at.",
      "Fix the credential your client sends, then retry after the number of seconds in Retry-After."),
  /** The client address spent its budget of requests without a valid credential. */
  IP_RATE_LIMITED(429, "Too many unauthenticated requests",
      "The client address sent more requests without a valid credential (missing, malformed, unknown, "
          + "revoked) than the shield allows; further requests from it are refused without looking at "
          + "their credential until `Retry-After`.",
      "Send a valid API key; retry after the number of seconds in Retry-After."),
  /** The prepaid credit balance does not cover the price of the call. */
  CREDITS_EXHAUSTED(402, "Credits exhausted",
      "The plan is prepaid and the balance does not cover the price of the call (the detail "
          + "gives both). Payment Required is our documented use of 402.",
      "Top up your prepaid credits to continue."),
  /** A wallet entry id was used before for a different amount or note. */
  IDEMPOTENCY_CONFLICT(409, "Idempotency conflict",
      "The id of the wallet entry was applied before with a different amount or note. An id names one "
          + "entry: a retry with the same id, amount and note answers the first entry and moves nothing.",
      "Retry with the same amount and note, or use a new id for a new entry."),
  /** A resource with the id given in a create request exists already. */
  ALREADY_EXISTS(409, "Already exists",
      "The create request names an id that is taken (an organization's `id`). Nothing was created or "
          + "changed.",
      "Use another id, or leave it out to get a generated one."),
  /** A deduction larger than the prepaid balance. */
  INSUFFICIENT_CREDITS(409, "Insufficient credits",
      "The deduction is larger than the prepaid balance; a wallet never goes below zero. Nothing moved.",
      "Deduct at most the balance (GET /monetize/credits shows it)."),
  /** A top-up for an organization whose plan is invoiced, so would never spend it. */
  PLAN_NOT_PREPAID(409, "Plan not prepaid",
      "The organization's plan (and any change scheduled for it) is invoiced after each period, not paid "
          + "from credits: a top-up would sit in the wallet unspent while its invoices bill every call. "
          + "Nothing moved.",
      "Move the organization to a prepaid plan first (PATCH /monetize/organizations/{id}), then top it up; "
          + "a negative amount still takes a balance back."),
  /** A plan change that other nodes may follow already can no longer be cancelled. */
  PLAN_CHANGE_UNDER_WAY(409, "Plan change under way",
      "The organization's scheduled plan change takes effect within 30 seconds. With a billing history "
          + "several nodes share, every node follows a change from its instant, and a node may follow this "
          + "one before it learns of a cancellation, so it stays. Nothing was cancelled.",
      "Change the plan back once it has taken effect (PATCH the organization's plan: it takes effect "
          + "30 seconds later on every node)."),
  /** The service sheds load and this plan's requests are refused first. */
  OVERLOADED(503, "Service overloaded",
      "The service sheds load and serves higher plans first; this plan's requests are refused "
          + "until the load drops. Also a dashboard sign-in while the dashboard holds as many sessions "
          + "as it keeps (100,000 per instance).",
      "Retry after the number of seconds in Retry-After; higher plans are served first under load."),
  /** A shared store cannot be reached: a limit that fails closed, or the keys and customers of a caller not cached. */
  STORE_UNAVAILABLE(503, "Store temporarily unavailable",
      "The shared limiter store (e.g. Redis) cannot be reached and one of the request's "
          + "limits fails closed (quotas and credits by default), so the service refuses rather "
          + "than give away what is paid for; or the store of keys and customers (e.g. PostgreSQL) "
          + "cannot be reached for a caller the service has not seen in the last seconds; or a store an "
          + "endpoint itself needs is down (the application answers with this code and its own hint).",
      "Retry after the number of seconds in Retry-After; the service cannot check your key or quota right now."),
  /** No such route, or a resource that belongs to another customer. */
  NOT_FOUND(404, "Not found",
      "No route for the request (with `UnmatchedRoutes.NOT_FOUND`), or a resource of another "
          + "customer.",
      "Check the path, and the ids in it or in the body, against the API reference: the resource may not "
          + "exist, may be gone, or may belong to another customer."),
  /** The request is malformed. */
  BAD_REQUEST(400, "Bad request",
      "The request is malformed (invalid JSON, wrong types, an invalid range...); the detail "
          + "names the field.",
      "Fix the request as described in the detail and send it again."),
  /** The request body is larger than the endpoint accepts. */
  PAYLOAD_TOO_LARGE(413, "Payload too large",
      "The body is larger than the endpoint accepts (1 MiB in the example).",
      "Send a smaller body; split large uploads into several requests."),
  /** A form or multipart body sent without its length. */
  LENGTH_REQUIRED(411, "Length required",
      "A form (`application/x-www-form-urlencoded`) or `multipart/form-data` body was sent chunked, "
          + "without `Content-Length`: the container reads such bodies itself, so their size could not "
          + "be held to the operation's limit.",
      "Send the body with a Content-Length header."),
  /** The request's body is of a media type the endpoint does not read. */
  UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type",
      "The request body's `Content-Type` is not one the endpoint reads (or is missing); a JAX-RS "
          + "runtime refuses it while matching the resource (`@Consumes`), before admission, so it is "
          + "not billed. A servlet application that checks it answers it itself, as an admitted call.",
      "Send the body with a Content-Type the API reference lists for this endpoint (usually application/json)."),
  /** No representation the client accepts. */
  NOT_ACCEPTABLE(406, "Not acceptable",
      "The endpoint has no representation of the answer in a media type the request's `Accept` "
          + "allows. A JAX-RS runtime refuses it while matching the resource (`@Produces`), before "
          + "admission, so it is not billed; a servlet answers what it produces (RFC 9110 lets a "
          + "server disregard `Accept`), unless the application refuses it itself.",
      "Accept a media type the API reference lists for this endpoint (or send no Accept header)."),
  /** The request's URI is longer than the server reads. */
  URI_TOO_LONG(414, "URI too long",
      "The request's URI (its path and query string) is longer than the server reads; answered by "
          + "the server before the API looks at the request.",
      "Send a shorter URI: fewer or shorter query parameters, or the data in a request body."),
  /** The request's headers are larger than the server reads. */
  HEADERS_TOO_LARGE(431, "Request headers too large",
      "The request's headers, together, are larger than the server reads; answered by the server "
          + "before the API looks at the request.",
      "Send fewer or smaller headers (cookies included)."),
  /** The request did not arrive in time. */
  REQUEST_TIMEOUT(408, "Request timeout",
      "The request, or its body, did not arrive in time: it was sent slower than the server waits for; "
          + "answered by the server.",
      "Send the whole request without long pauses."),
  /** An {@code Expect} the server does not meet. */
  EXPECTATION_FAILED(417, "Expectation failed",
      "The request's `Expect` header asks for something the server does not do (it knows `100-continue` "
          + "only); answered by the server before the API looks at the request.",
      "Send no Expect header, or Expect: 100-continue."),
  /** Another protocol is needed. */
  UPGRADE_REQUIRED(426, "Upgrade required",
      "The request was sent in a protocol the connection does not speak (an HTTP/2 preface on an HTTP/1.1 "
          + "connection); answered by the server.",
      "Send the request over HTTP/1.1, or negotiate HTTP/2 (TLS with ALPN, or h2c upgrade)."),
  /** A request framing the server does not implement. */
  NOT_IMPLEMENTED(501, "Not implemented",
      "The request uses a part of HTTP the server does not implement, such as a `Transfer-Encoding` other "
          + "than `chunked`; answered by the server, for the client's request, not a failure of the service.",
      "Send the body with Content-Length or Transfer-Encoding: chunked only."),
  /** The HTTP version of the request line is not spoken. */
  HTTP_VERSION_NOT_SUPPORTED(505, "HTTP version not supported",
      "The request line names an HTTP version the server does not speak (HTTP/0.9, or a version that "
          + "does not exist); answered by the server, for the client's request, not a failure of the service.",
      "Send HTTP/1.1 (or HTTP/2)."),
  /** An unexpected failure inside the service. */
  INTERNAL(500, "Internal error",
      "Something failed inside the service (a store, the endpoint). Nothing internal is "
          + "shown.",
      "Retry later; if it persists, contact support with the request_id of this response.");

  private final int status;
  private final String title;
  private final String meaning;
  private final String hint;
  private final String code;

  ErrorCode(int status, String title, String meaning, String hint) {
    this.status = status;
    this.title = title;
    this.meaning = meaning;
    this.hint = hint;
    this.code = name().toLowerCase(Locale.ROOT);
  }

  /**
   * The code of an answer the HTTP server makes itself with {@code status}, before any route or
   * filter (a request it cannot parse, a URI too long, an exception nothing handled): {@code bad_request}
   * for 400, {@code not_found} for 404, {@code request_timeout} for 408, and so on; empty for a status no
   * generic code has (502, 503...), which an adapter answers as an {@code about:blank} problem.
   */
  public static java.util.Optional<ErrorCode> forServerStatus(int status) {
    return java.util.Optional.ofNullable(switch (status) {
      case 400 -> BAD_REQUEST;
      case 404 -> NOT_FOUND;
      case 405 -> METHOD_NOT_ALLOWED;
      case 406 -> NOT_ACCEPTABLE;
      case 411 -> LENGTH_REQUIRED;
      case 413 -> PAYLOAD_TOO_LARGE;
      case 414 -> URI_TOO_LONG;
      case 415 -> UNSUPPORTED_MEDIA_TYPE;
      case 431 -> HEADERS_TOO_LARGE;
      case 408 -> REQUEST_TIMEOUT;
      case 417 -> EXPECTATION_FAILED;
      case 426 -> UPGRADE_REQUIRED;
      case 501 -> NOT_IMPLEMENTED;
      case 505 -> HTTP_VERSION_NOT_SUPPORTED;
      case 500 -> INTERNAL;
      default -> null;
    });
  }

  /** What happened, for the error catalog (Markdown). */
  public String meaning() {
    return meaning;
  }

  /** The stable snake_case machine code, e.g. {@code key_missing}. */
  public String code() {
    return code;
  }

  /** The HTTP status this refusal is answered with. */
  public int status() {
    return status;
  }

  /** Short human summary, identical for every occurrence of this code. */
  public String title() {
    return title;
  }

  /** What the caller should do to fix it. */
  public String hint() {
    return hint;
  }

  /** The problem {@code type} URI: {@code <docsBase>/errors#<code>}. */
  public URI type(URI docsBase) {
    String base = docsBase.toString();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(base + "/errors#" + code);
  }
}
