package dev.monetize.http;

import dev.monetize.errors.ErrorCode;

/**
 * A request body the container failed to read to its end (the client stopped sending it, or sent it
 * slower than the container waits for): the caller's doing, answered {@code 408 request_timeout} when
 * it did not arrive in time and {@code 400 bad_request} otherwise, never as the endpoint's failure.
 * What the servlet and JAX-RS adapters answer and meter such a call with.
 */
public final class UnreadBody {
  private UnreadBody() {}

  /**
   * Whether {@code failure} (what a read of the body threw) says the body did not arrive in time (the
   * container's idle timeout or minimum data rate): a {@code SocketTimeoutException} or
   * {@code TimeoutException} among its causes, or an exception of the container that carries status
   * 408 ({@code getCode()}, as Jetty's do).
   */
  public static boolean timedOut(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof java.net.SocketTimeoutException || t instanceof java.util.concurrent.TimeoutException
          || status(t) == 408) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code failure}, what a read of the body threw, is the client's doing: an I/O failure or a
   * timeout among its causes, or an exception of the container that carries a 4xx status (Jetty's bad
   * message). Anything else is a failure of the container or the application, answered as such.
   */
  public static boolean fromTheClient(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      int status = status(t);
      if (t instanceof java.io.IOException || t instanceof java.io.UncheckedIOException
          || t instanceof java.util.concurrent.TimeoutException || status >= 400 && status < 500) {
        return true;
      }
    }
    return false;
  }

  /** The status an exception of the container carries ({@code getCode()}, as Jetty's do), or 0. */
  private static int status(Throwable t) {
    try {
      return t.getClass().getMethod("getCode").invoke(t) instanceof Integer code ? code : 0;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return 0; // no status of its own
    }
  }

  /** The code a call whose body failed so is answered with. */
  public static ErrorCode code(Throwable failure) {
    return timedOut(failure) ? ErrorCode.REQUEST_TIMEOUT : ErrorCode.BAD_REQUEST;
  }

  /** The problem's detail for such a call. */
  public static String detail(Throwable failure) {
    return timedOut(failure)
        ? "The request body did not arrive in time: send the whole body it announces, without long pauses."
        : "The request body could not be read to its end: send the whole body it announces.";
  }
}
