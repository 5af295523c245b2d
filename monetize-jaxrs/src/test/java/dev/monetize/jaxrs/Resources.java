package dev.monetize.jaxrs;

import dev.monetize.Monetized;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;

/** The resources the adapter suite deploys on every implementation. */
final class Resources {
  private Resources() {}

  /** Class-level defaults (scope), method-level overrides. */
  @Path("/v1")
  @Monetized(scope = "stats:read", version = "v1")
  public static class Stats {
    @GET
    @Path("summary")
    @Produces("application/json")
    @Monetized(id = "stats.summary", price = "0.002")
    public String summary(@jakarta.ws.rs.core.Context jakarta.ws.rs.core.SecurityContext security) {
      MonetizeContext ctx = MonetizeContext.of(security).orElseThrow();
      ctx.reportUsage("rows_scanned", 42);
      return "{\"customer\":\"" + ctx.principal().customerId() + "\",\"degraded\":" + ctx.degraded()
          + ",\"same\":" + (MonetizeContext.current().orElseThrow() == ctx)
          + ",\"role\":" + security.isUserInRole("stats:read")
          + ",\"tenant\":\"" + dev.monetize.TenantContext.current().orElse("none") + "\"}";
    }

    /** Runs of {@link #slow()}: the single-flight test counts them. */
    static final java.util.concurrent.atomic.AtomicInteger SLOW_RUNS = new java.util.concurrent.atomic.AtomicInteger();
    /** Opened by the single-flight test once every request is in flight. */
    static volatile java.util.concurrent.CountDownLatch slowGate = new java.util.concurrent.CountDownLatch(0);

    @GET
    @Path("slow")
    @Produces("application/json")
    @Monetized(id = "stats.slow", cacheTtlSeconds = 60, cacheTags = "stats")
    public jakarta.ws.rs.core.Response slow() throws InterruptedException {
      int run = SLOW_RUNS.incrementAndGet();
      slowGate.await(10, java.util.concurrent.TimeUnit.SECONDS); // until every concurrent miss has joined the flight
      // headers of its own, which every answer from the cache carries too (but the cookie)
      return jakarta.ws.rs.core.Response.ok("{\"run\":" + run + "}").language("de")
          .header("Link", "</v1/slow?after=" + run + ">; rel=\"next\"").lastModified(new java.util.Date(2_000))
          .cookie(new jakarta.ws.rs.core.NewCookie.Builder("session").value("run" + run).build()).build();
    }

    /** Runs of {@link #cors}: the cache test counts them. */
    static final java.util.concurrent.atomic.AtomicInteger CORS_RUNS = new java.util.concurrent.atomic.AtomicInteger();

    /** An answer to one origin, as a CORS filter writes it; or one negotiated by a header the key does not hold. */
    @GET
    @Path("cors")
    @Produces("application/json")
    @Monetized(id = "stats.cors", cacheTtlSeconds = 60)
    public jakarta.ws.rs.core.Response cors(@jakarta.ws.rs.HeaderParam("Origin") String origin,
        @jakarta.ws.rs.QueryParam("by") String by) {
      int run = CORS_RUNS.incrementAndGet();
      jakarta.ws.rs.core.Response.ResponseBuilder b = jakarta.ws.rs.core.Response.ok("{\"run\":" + run + "}");
      if ("language".equals(by)) {
        return b.header("Vary", "Accept-Language").build();
      }
      if ("private".equals(by) || "no-store".equals(by)) { // one caller's answer, as the resource says
        return b.header("Cache-Control", by).build();
      }
      if ("filter".equals(by)) {
        return b.build(); // the application's CORS filter adds its headers ({@link CorsFilter})
      }
      b.header("Vary", "Origin");
      return origin == null ? b.build() : b.header("Access-Control-Allow-Origin", origin).build();
    }

    @GET
    @Path("reports/{id: [0-9]+}")
    @Produces("text/plain")
    @Monetized(id = "reports.get")
    public jakarta.ws.rs.core.Response report(@PathParam("id") String id) {
      // its own caching choices: kept, with the credential's Vary added
      return jakarta.ws.rs.core.Response.ok("report " + id).header("Cache-Control", "no-cache")
          .header("Vary", "Accept-Language").build();
    }

    @GET
    @Path("export")
    @Produces("text/plain")
    @Monetized(id = "export", minimumPlan = "pro", cost = 10, scope = "export:read")
    public jakarta.ws.rs.core.StreamingOutput export() {
      // written after the response filters ran: the tenant is current while it is (a store reads by it)
      return out -> {
        out.write(("a,b\n1,2\n" + (dev.monetize.TenantContext.require().isEmpty() ? "?" : ""))
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        dev.monetize.jaxrs.MonetizeContext.current().orElseThrow().reportUsage("rows", 2); // and the call's context
      };
    }

    /** One day's count, read from JSON by the runtime's Jackson provider. */
    public record Point(String day, long n) {}

    @POST
    @Path("points")
    @jakarta.ws.rs.Consumes("application/json")
    @Produces("text/plain")
    @Monetized(id = "points", maxBodyBytes = 20_000)
    public String points(java.util.List<Point> points) {
      return Integer.toString(points.size());
    }

    @POST
    @Path("ingest")
    @jakarta.ws.rs.Consumes("text/plain")
    @Produces("text/plain")
    @Monetized(id = "ingest")
    public String ingest(String body) {
      return Integer.toString(body.length());
    }

    @POST
    @Path("upload")
    @jakarta.ws.rs.Consumes("text/plain")
    @Produces("text/plain")
    @Monetized(id = "upload", maxBodyBytes = 2000)
    public String upload(java.io.InputStream body) throws java.io.IOException {
      return Integer.toString(body.readAllBytes().length); // past the limit this throws
    }

    @POST
    @Path("boom")
    @Monetized(id = "boom")
    public String boom() {
      throw new IllegalStateException("endpoint bug");
    }
  }

  /**
   * An asynchronous endpoint: its request thread spends 2 ms of CPU, then another thread answers once
   * the request thread returned from the host ({@link #hostFilter()} says when).
   */
  @Path("/v1/async")
  public static class Async {
    /** Counted down by {@link #hostFilter()} when a request thread returned from the host's filter chain. */
    static volatile java.util.concurrent.CountDownLatch returned = new java.util.concurrent.CountDownLatch(1);
    /** What each request thread held when it returned: its tenant and its {@code MonetizeContext}, if any. */
    static final java.util.List<String> LEFT_ON_THREAD = new java.util.concurrent.CopyOnWriteArrayList<>();

    @GET
    @Path("burn")
    @Produces("text/plain")
    @Monetized(id = "async.burn")
    public void burn(@jakarta.ws.rs.container.Suspended jakarta.ws.rs.container.AsyncResponse response) {
      java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
      long start = cpu.getCurrentThreadCpuTime();
      while (cpu.getCurrentThreadCpuTime() - start < 2_000_000) {
        Thread.onSpinWait();
      }
      java.util.concurrent.CountDownLatch whenReturned = returned;
      new Thread(() -> { // answered after the request thread returned, on another one
        try {
          if (!whenReturned.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new IllegalStateException("the request thread never returned");
          }
          response.resume("burnt");
        } catch (InterruptedException e) {
          response.resume(e);
        }
      }).start();
    }

    /** The call {@link #waitFor} suspended, until {@link #wake} answers it. */
    static final java.util.concurrent.atomic.AtomicReference<jakarta.ws.rs.container.AsyncResponse> WAITING =
        new java.util.concurrent.atomic.AtomicReference<>();

    @GET
    @Path("wait")
    @Produces("text/plain")
    @Monetized(id = "async.wait")
    public void waitFor(@jakarta.ws.rs.container.Suspended jakarta.ws.rs.container.AsyncResponse response) {
      WAITING.set(response); // a long poll: another request answers it
    }

    /** Answers the waiting call on this request's thread, then says whose tenant and context this thread holds. */
    @GET
    @Path("wake")
    @Produces("text/plain")
    @Monetized(id = "async.wake")
    public String wake() {
      WAITING.getAndSet(null).resume("woken");
      return dev.monetize.TenantContext.current().orElse("none") + " "
          + MonetizeContext.current().map(c -> c.principal().customerId()).orElse("none");
    }

    /**
     * The host's outermost filter (in front of {@link PeerAddress#servletFilter()}): records what the
     * request thread still holds once the chain returned, then says it returned.
     */
    static jakarta.servlet.Filter hostFilter() {
      return (request, response, chain) -> {
        try {
          chain.doFilter(request, response);
        } finally {
          dev.monetize.TenantContext.current().ifPresent(t -> LEFT_ON_THREAD.add("tenant " + t));
          MonetizeContext.current().ifPresent(c -> LEFT_ON_THREAD.add("context " + c));
          returned.countDown();
        }
      };
    }
  }

  /** Not monetized: passes untouched. */
  @Path("/public")
  public static class Public {
    @GET
    @Produces("text/plain")
    public String hello() {
      return "hello";
    }
  }

  /** A monetized GET and, on the same path, a POST nobody monetized. */
  @Path("/v1/mixed")
  public static class Mixed {
    @GET
    @Produces("text/plain")
    @Monetized(id = "mixed.read")
    public String read() {
      return "read";
    }

    @POST
    @Produces("text/plain")
    public String write() {
      return "computed for free";
    }
  }

  /** A monetized literal route under an unmonetized variable one of another method. */
  @Path("/v1/items")
  public static class Items {
    @GET
    @Path("latest")
    @Produces("text/plain")
    @Monetized(id = "items.latest")
    public String latest() {
      return "latest";
    }

    @POST
    @Path("{id}")
    @Produces("text/plain")
    public String touch(@PathParam("id") String id) {
      return "touched " + id;
    }
  }

  /** A method whose plan does not exist. */
  @Path("/bad")
  public static class UnknownPlan {
    @GET
    @Monetized(id = "bad", minimumPlan = "gold")
    public String bad() {
      return "";
    }
  }

  /** A negative price. */
  @Path("/bad")
  public static class NegativePrice {
    @GET
    @Monetized(id = "bad", price = "-1")
    public String bad() {
      return "";
    }
  }

  /**
   * A CORS filter as many applications write one, adding its headers with {@code add} (not
   * {@code putSingle}), on the answers of {@code /v1/cors?by=filter}: it runs on answers served from
   * the cache too, beside the headers stored with them.
   */
  @jakarta.ws.rs.ext.Provider
  public static final class CorsFilter implements jakarta.ws.rs.container.ContainerResponseFilter {
    @Override
    public void filter(jakarta.ws.rs.container.ContainerRequestContext request,
        jakarta.ws.rs.container.ContainerResponseContext response) {
      String origin = request.getHeaderString("Origin");
      if (origin != null && "filter".equals(request.getUriInfo().getQueryParameters().getFirst("by"))) {
        response.getHeaders().add("Access-Control-Allow-Origin", origin);
        response.getHeaders().add("Access-Control-Expose-Headers", "RateLimit");
        response.getHeaders().add("Vary", "Origin");
      }
    }
  }
}
