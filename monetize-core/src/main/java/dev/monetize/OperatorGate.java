package dev.monetize;

import dev.monetize.errors.ErrorCode;
import dev.monetize.errors.Problem;
import dev.monetize.errors.ProblemJson;
import dev.monetize.http.Header;
import dev.monetize.management.ManagementApi;
import dev.monetize.plans.Operation;
import dev.monetize.shield.internal.Shield;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The door of an operator-only path of the application ({@code /metrics}): the operator's
 * credential passes; anyone else gets the answer the management API would give, with its headers
 * ({@code Retry-After} for the shield's refusals, {@code WWW-Authenticate} for a missing or bad
 * credential).
 */
final class OperatorGate {
  private final Operation probe = Operation.builder("monetize.operator", "GET", "/").scope("monetize:admin").build();
  private final Shield shield;
  private final Identification identification;
  private final TimeSource time;
  private final AdmissionPipeline pipeline;

  OperatorGate(Shield shield, Identification identification, TimeSource time, AdmissionPipeline pipeline) {
    this.shield = shield;
    this.identification = identification;
    this.time = time;
    this.pipeline = pipeline;
  }

  /** The shield's refusal of the request's client address (denied, banned, out of budget), if any; nothing is charged. */
  Optional<ManagementApi.Response> shield(ApiRequest request) {
    Shield.Verdict verdict = shield.check(request.remoteAddress(), time.epochNanos());
    return verdict.refusal().map(code -> answer(code, Shield.detail(code), request, verdict.retryAfterSeconds(),
        List.of()));
  }

  Optional<ManagementApi.Response> refuse(ApiRequest request) {
    long now = time.epochNanos();
    Shield.Verdict verdict = shield.check(request.remoteAddress(), now);
    if (verdict.refusal().isPresent()) {
      ErrorCode code = verdict.refusal().get();
      return Optional.of(answer(code, Shield.detail(code), request, verdict.retryAfterSeconds(), List.of()));
    }
    Decision d = identification.identify(probe, request, now);
    if (d.principal().isEmpty()) {
      ErrorCode code = d.error().orElse(ErrorCode.KEY_MISSING);
      List<Header> extra = List.of();
      if (code.status() == 401) {
        shield.failed(request.remoteAddress(), now, verdict.allowed());
        extra = List.of(new Header("WWW-Authenticate", code == ErrorCode.KEY_MISSING
            ? "Bearer realm=\"monetize\"" : "Bearer realm=\"monetize\", error=\"invalid_token\""));
      }
      return Optional.of(answer(code, "Send the operator's credential to read " + shorten(request.path()) + ".",
          request, d.retryAfterSeconds(), extra));
    }
    return dev.monetize.management.Authority.operator(d.principal().get()) ? Optional.empty()
        : Optional.of(answer(ErrorCode.SCOPE_DENIED, "Only the operator's credential reads "
            + shorten(request.path()) + ".", request, 0, List.of()));
  }

  private ManagementApi.Response answer(ErrorCode code, String detail, ApiRequest request, long retryAfter,
      List<Header> extra) {
    Problem p = pipeline.problem(code, detail, request.requestId()).withHint(code.hint());
    List<Header> headers = new ArrayList<>(extra);
    headers.add(new Header("Cache-Control", "no-store"));
    headers.add(new Header("X-Content-Type-Options", "nosniff")); // the detail quotes the path
    if (retryAfter > 0 || code.status() == 429 || code.status() == 503) {
      long seconds = Math.max(1, retryAfter);
      headers.add(new Header("Retry-After", Long.toString(seconds)));
      p = p.with("retry_after", seconds);
    }
    return new ManagementApi.Response(code.status(), Problem.MEDIA_TYPE, headers, ProblemJson.toBytes(p));
  }

  private static String shorten(String path) {
    return path.length() > 200 ? path.substring(0, 200) + "..." : path;
  }
}
