package dev.monetize.examples.analytics;

import java.util.ArrayDeque;
import java.util.Deque;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Gathers a request's body, up to a size, before a thread runs the application: the chunks are read
 * as Jetty hands them over (no thread waits for the next one) and kept, then the application reads
 * them as if they had just arrived. A servlet reads its body with blocking reads; without this, a
 * client that announces a body and sends nothing, or a byte now and then, holds a server thread for
 * as long as the connection's idle timeout, and a customer within its rate can hold all of them
 * (OWASP API4). With it, such a client holds its connection and the bytes it sent. A body larger than
 * the size is handed over once that much has come, and read on under the server's minimum data rate.
 *
 * <p>What Jetty 12.1's {@code EagerContentHandler} with a {@code RetainedContentLoaderFactory} does,
 * for the Jetty 12.0 the examples run on.
 */
final class GatheredBodies extends Handler.Wrapper {
  private final long size;

  /** Gathers up to {@code size} bytes of each body before {@code app} runs. */
  GatheredBodies(Handler app, long size) {
    super(app);
    this.size = size;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    Handler app = getHandler();
    if (app == null) {
      return false;
    }
    long declared = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
    if (declared <= 0 && !request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)) {
      return app.handle(request, response, callback); // no body: nothing to wait for
    }
    new Gathering(app, request, response, callback).gather();
    return true;
  }

  /** One request's body being gathered; then the application's request, reading the chunks kept first. */
  private final class Gathering extends Request.Wrapper implements Callback {
    private final Handler app;
    private final Response response;
    private final Callback callback;
    private final Deque<Content.Chunk> chunks = new ArrayDeque<>();
    private long gathered;

    Gathering(Handler app, Request request, Response response, Callback callback) {
      super(request);
      this.app = app;
      this.response = response;
      this.callback = callback;
    }

    /** Reads what has come; asks Jetty to call back when more comes, or hands over. */
    void gather() {
      while (true) {
        Content.Chunk chunk = getWrapped().read();
        if (chunk == null) {
          // a plain Runnable: Jetty runs it on a thread of its pool, never on the selector (the application blocks)
          getWrapped().demand(() -> gather());
          return;
        }
        chunks.add(chunk);
        gathered += chunk.remaining();
        if (chunk.isLast() || Content.Chunk.isFailure(chunk) || gathered >= size) {
          runApplication();
          return;
        }
      }
    }

    private void runApplication() {
      try {
        if (!app.handle(this, response, this)) {
          Response.writeError(this, response, this, 404);
        }
      } catch (Throwable t) {
        Response.writeError(this, response, this, t);
      }
    }

    @Override
    public Content.Chunk read() {
      Content.Chunk kept = chunks.pollFirst();
      return kept != null ? kept : super.read();
    }

    @Override
    public void demand(Runnable demandCallback) {
      if (chunks.isEmpty()) {
        super.demand(demandCallback);
      } else {
        demandCallback.run(); // a kept chunk is there to read
      }
    }

    @Override
    public boolean consumeAvailable() {
      release();
      return super.consumeAvailable();
    }

    private void release() {
      Content.Chunk c;
      while ((c = chunks.pollFirst()) != null) {
        c.release();
      }
    }

    @Override
    public void succeeded() {
      release();
      callback.succeeded();
    }

    @Override
    public void failed(Throwable failure) {
      release();
      callback.failed(failure);
    }

    @Override
    public InvocationType getInvocationType() {
      return callback.getInvocationType();
    }
  }
}
