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
      if (t instanceof java.net.SocketTimeoutException || t instanceof java.util.concurrent.TimeoutException) {
        return true;
      }
      try {
        if (Integer.valueOf(408).equals(t.getClass().getMethod("getCode").invoke(t))) {
          return true;
        }
      } catch (ReflectiveOperationException | RuntimeException e) {
        // no status of its own: look at its cause
      }
    }
    return false;
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
