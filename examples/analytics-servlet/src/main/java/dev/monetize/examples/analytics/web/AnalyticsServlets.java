package dev.monetize.examples.analytics.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.Monetize;
import dev.monetize.Principal;
import dev.monetize.errors.ErrorCode;
import dev.monetize.examples.analytics.StoreOutage;
import dev.monetize.examples.analytics.domain.BadInputException;
import dev.monetize.examples.analytics.domain.Event;
import dev.monetize.examples.analytics.domain.EventParser;
import dev.monetize.examples.analytics.domain.EventStore;
import dev.monetize.examples.analytics.domain.StoreUnavailableException;
import dev.monetize.servlet.MonetizeFilter;
import dev.monetize.servlet.ServletProblems;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * The HTTP side of the example: four plain servlets that know nothing of keys or limits. They read
 * the tenant from the {@link Principal} the filter put on the request and partition all data by it.
 */
public final class AnalyticsServlets {
  /** Largest accepted ingest body. */
  static final int MAX_BODY_BYTES = 1 << 20;
  /** Beyond this, a too-large body is not even read before the 413. */
  static final long MAX_DRAIN_BYTES = 16L << 20;

  private AnalyticsServlets() {}

  /** Every value the query gives {@code name}, in order (none: empty). */
  private static List<String> values(HttpServletRequest req, String name) {
    String[] v = req.getParameterValues(name);
    return v == null ? List.of() : List.of(v);
  }

  /** Registers the endpoints on {@code context}. */
  public static void register(ServletContextHandler context, EventStore store, Clock clock, Monetize monetize) {
    ObjectMapper json = dev.monetize.examples.analytics.DemoService.json();
    EventParser parser = new EventParser(clock);
    store.onChange(tenant -> monetize.cache().invalidate(tenant, "stats")); // its summary says something new now
    context.addServlet(new ServletHolder(new Endpoint(monetize) {
      @Override
      void post(HttpServletRequest req, HttpServletResponse resp, String tenant) throws IOException {
        List<Event> events = parser.parse(readBody(req));
        int accepted = store.append(tenant, events);
        resp.setStatus(202);
        writeJson(json, resp, new dev.monetize.examples.analytics.domain.Accepted(accepted));
      }
    }), "/v1/events");
    context.addServlet(new ServletHolder(new Endpoint(monetize) {
      @Override
      void get(HttpServletRequest req, HttpServletResponse resp, String tenant) throws IOException {
        writeJson(json, resp, store.summary(tenant));
      }
    }), "/v1/stats/summary");
    context.addServlet(new ServletHolder(new Endpoint(monetize) { // deprecated: the same answer, until its sunset
      @Override
      void get(HttpServletRequest req, HttpServletResponse resp, String tenant) throws IOException {
        writeJson(json, resp, store.summary(tenant));
      }
    }), "/v0/stats/summary");
    context.addServlet(new ServletHolder(new Endpoint(monetize) {
      @Override
      void get(HttpServletRequest req, HttpServletResponse resp, String tenant) throws IOException {
        writeJson(json, resp, dev.monetize.examples.analytics.domain.Events.timeseriesAnswer(store, tenant,
            values(req, "from"), values(req, "to"), values(req, "interval"), clock));
      }
    }), "/v1/stats/timeseries");
    context.addServlet(new ServletHolder(new Endpoint(monetize) {
      @Override
      void get(HttpServletRequest req, HttpServletResponse resp, String tenant) throws IOException {
        resp.setContentType("application/x-ndjson");
        resp.setCharacterEncoding("UTF-8");
        store.export(tenant, resp.getOutputStream());
      }
    }), "/v1/export");
  }

  private static void writeJson(ObjectMapper json, HttpServletResponse resp, Object body) throws IOException {
    byte[] bytes = json.writeValueAsBytes(body);
    resp.setContentType("application/json");
    resp.setContentLength(bytes.length);
    resp.getOutputStream().write(bytes);
  }

  /** Thrown when the body exceeds {@link #MAX_BODY_BYTES}. */
  static final class TooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooLarge() {
      super(null, null, false, false);
    }
  }

  static byte[] readBody(HttpServletRequest req) throws IOException {
    if (req.getContentLengthLong() > MAX_DRAIN_BYTES) {
      throw new TooLarge();
    }
    try (InputStream in = req.getInputStream()) {
      byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
      if (body.length > MAX_BODY_BYTES) {
        // read the rest (up to a bound) so the client, still sending, reliably receives the 413
        long drained = body.length;
        byte[] sink = new byte[64 * 1024];
        int n;
        while (drained < MAX_DRAIN_BYTES && (n = in.read(sink)) > 0) {
          drained += n;
        }
        throw new TooLarge();
      }
      return body;
    }
  }

  /** Turns domain errors into the same problem JSON the filter uses. */
  abstract static class Endpoint extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient Monetize monetize;

    Endpoint(Monetize monetize) {
      this.monetize = monetize;
    }

    void get(HttpServletRequest req, HttpServletResponse resp, String tenant) throws IOException {
      resp.sendError(405);
    }

    void post(HttpServletRequest req, HttpServletResponse resp, String tenant) throws IOException {
      resp.sendError(405);
    }

    @Override
    protected final void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      handle(req, resp, true);
    }

    @Override
    protected final void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      handle(req, resp, false);
    }

    private void handle(HttpServletRequest req, HttpServletResponse resp, boolean isGet) throws IOException {
      String requestId = String.valueOf(req.getAttribute(MonetizeFilter.REQUEST_ID_ATTRIBUTE));
      java.util.Optional<Principal> principal = MonetizeFilter.principal(req);
      if (principal.isEmpty()) {
        // only reachable if the filter is not installed: never serve data without a tenant
        ServletProblems.send(resp, monetize.problem(ErrorCode.KEY_MISSING, "No API key was verified.", requestId));
        return;
      }
      Principal p = principal.get();
      try {
        if (isGet) {
          get(req, resp, p.customerId());
        } else {
          post(req, resp, p.customerId());
        }
      } catch (BadInputException e) {
        if (!resp.isCommitted()) {
          resp.resetBuffer();
          ServletProblems.send(resp, monetize.problem(ErrorCode.BAD_REQUEST, e.getMessage(), requestId)
              .withHint(e.hint()));
        }
      } catch (TooLarge e) {
        ServletProblems.send(resp, monetize.problem(ErrorCode.PAYLOAD_TOO_LARGE,
            "The body is larger than " + MAX_BODY_BYTES + " bytes.", requestId));
      } catch (StoreUnavailableException e) {
        if (resp.isCommitted()) {
          throw e; // part of the answer went: the container logs it and cuts the response short
        }
        resp.resetBuffer();
        resp.setHeader("Retry-After", StoreOutage.RETRY_AFTER);
        ServletProblems.send(resp, StoreOutage.problem(monetize, e, requestId));
      }
    }
  }
}
