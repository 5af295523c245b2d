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
 * the size is handed over once that much has come, and read on under the same minimum rate.
 *
 * <p>The rate is checked here, not by the server ({@code HttpConfiguration.setMinRequestDataRate}):
 * Jetty checks it on every read of the application, counting from the first byte it read, so a small
 * body that had all arrived was cut off when its reader paused between two reads (a 40-byte body whose
 * thread was descheduled for 160 ms on a busy machine: {@code 408} for a request the client sent
 * whole). Here a body is cut off only while it is waited for: when it comes slower than the rate.
 *
 * <p>Near what Jetty 12.1's {@code EagerContentHandler} does, for the Jetty 12.0 the examples run on; the
 * bytes are copied as they come (a slow client holds at most about the size gathered, not a network
 * buffer per packet). A request with {@code Expect: 100-continue} is told to continue as the gathering
 * starts: the body comes before the application could refuse the request without it (a client that
 * waited for a refusal would otherwise send it to a thread that waits for it).
 */
final class GatheredBodies extends Handler.Wrapper {
  private final int size;
  private final long minBytesPerSecond;
  private final long silenceMillis;

  /**
   * Gathers up to {@code size} bytes of each body before {@code app} runs; a body that comes slower than
   * {@code minBytesPerSecond} (after its first second) is cut off, while it is gathered or, past the
   * size, when the application waits for the rest; and while it is gathered, one of which nothing comes
   * for {@code silenceMillis} (the connection's idle timeout, shortened meanwhile: no byte arrives to
   * check the rate on).
   */
  GatheredBodies(Handler app, int size, long minBytesPerSecond, long silenceMillis) {
    super(app);
    this.size = size;
    this.minBytesPerSecond = minBytesPerSecond;
    this.silenceMillis = silenceMillis;
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
    new Gathering(app, request, response, callback, declared).gather(false);
    return true;
  }

  /**
   * One request's body being gathered, then the application's request, which reads what was gathered
   * first. The bytes are copied out of each chunk as it comes and the chunk released at once: a chunk
   * holds a whole network buffer, and a client sending a byte per packet would otherwise pin one per byte.
   */
  private final class Gathering extends Request.Wrapper implements Callback {
    private final Handler app;
    private final Response response;
    private final Callback callback;
    private byte[] bytes;
    private int length;
    private boolean ended;
    /** What reading failed with (the client gone, a timeout), kept to be read after the bytes; or null. */
    private Content.Chunk failure;
    /** After the hand-over: what was gathered, then the failure if any. */
    private final Deque<Content.Chunk> kept = new ArrayDeque<>(2);
    /** When the body's first byte came (the rate is counted from it); 0: none yet. */
    private long firstByte;
    /** The body's bytes that have come, gathered or read on by the application. */
    private long arrived;
    /** The failure the rest of the body was cut off with (every read after it answers it); or null. */
    private Content.Chunk cutOff;

    /** The connection's idle timeout before the gathering shortened it; restored at the hand-over. */
    private final long idleTimeout;

    Gathering(Handler app, Request request, Response response, Callback callback, long declared) {
      super(request);
      this.app = app;
      this.response = response;
      this.callback = callback;
      this.bytes = new byte[(int) Math.min(declared > 0 ? declared : 4_096, size + 16_384)];
      org.eclipse.jetty.io.EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
      this.idleTimeout = endPoint.getIdleTimeout();
      if (silenceMillis > 0 && (idleTimeout <= 0 || silenceMillis < idleTimeout)) {
        // a body announced and never sent fails its read once silent this long: the application answers
        // at once (401 without a key, 413 past its size, else 408), not after the connection's idle timeout
        endPoint.setIdleTimeout(silenceMillis);
      }
    }

    /** Reads what has come; asks Jetty to call back when more comes, or hands over. */
    void gather(boolean calledBack) {
      while (true) {
        Content.Chunk chunk = getWrapped().read();
        if (chunk == null) {
          getWrapped().demand(() -> gather(true));
          return;
        }
        if (Content.Chunk.isFailure(chunk)) {
          failure = chunk;
        } else {
          if (firstByte == 0 && chunk.hasRemaining()) {
            firstByte = System.nanoTime();
          }
          arrived += chunk.remaining();
          copy(chunk.getByteBuffer());
          ended = chunk.isLast();
          chunk.release();
          if (!ended && tooSlow()) { // read as the container's timeout: the caller's 408
            failure = Content.Chunk.from(new java.util.concurrent.TimeoutException("the request body came slower than "
                + minBytesPerSecond + " bytes per second"), true);
          }
        }
        if (failure != null || ended || length >= size) {
          kept.add(Content.Chunk.from(java.nio.ByteBuffer.wrap(bytes, 0, length), ended && failure == null));
          if (failure != null) {
            kept.add(failure);
          }
          bytes = null;
          getConnectionMetaData().getConnection().getEndPoint().setIdleTimeout(idleTimeout); // the application's
          if (calledBack) {
            // not inside the demand callback: Jetty calls the next one only once this one returns, and the
            // application, reading on past what was gathered, would wait for it forever
            getContext().execute(this::runApplication);
          } else {
            runApplication();
          }
          return;
        }
      }
    }

    /** Whether the body has come slower than the minimum rate, counted from its first byte, after a second. */
    private boolean tooSlow() {
      if (firstByte == 0) {
        return false;
      }
      long elapsed = System.nanoTime() - firstByte;
      return minBytesPerSecond > 0 && elapsed > 1_000_000_000L
          && arrived < minBytesPerSecond * (elapsed / 1_000_000L) / 1_000L;
    }

    private void copy(java.nio.ByteBuffer from) {
      int n = from.remaining();
      if (length + n > bytes.length) {
        bytes = java.util.Arrays.copyOf(bytes, Math.max(length + n, Math.min(2 * bytes.length, size + 16_384)));
      }
      from.get(bytes, length, n);
      length += n;
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
      Content.Chunk first = kept.pollFirst();
      if (first != null) {
        return first;
      }
      if (cutOff != null) {
        return cutOff;
      }
      Content.Chunk next = super.read();
      if (next == null) { // the application waits for the rest: unless it comes slower than the rate
        if (!ended && tooSlow()) {
          cutOff = Content.Chunk.from(new java.util.concurrent.TimeoutException("the request body came slower than "
              + minBytesPerSecond + " bytes per second"), true);
          return cutOff;
        }
        return null;
      }
      if (!Content.Chunk.isFailure(next)) {
        if (firstByte == 0 && next.hasRemaining()) {
          firstByte = System.nanoTime();
        }
        arrived += next.remaining();
        ended = next.isLast();
      }
      return next;
    }

    @Override
    public void demand(Runnable demandCallback) {
      if (kept.isEmpty()) {
        super.demand(demandCallback);
      } else {
        demandCallback.run(); // what was gathered is there to read
      }
    }

    @Override
    public boolean consumeAvailable() {
      release();
      return super.consumeAvailable();
    }

    private void release() {
      Content.Chunk c;
      while ((c = kept.pollFirst()) != null) {
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
