package dev.monetize.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.errors.ErrorCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

/** What a failed read of a body says: the client's doing or not, in time or not. */
class UnreadBodyTest {
  /** As a container's exception carries its status (Jetty's BadMessageException). */
  static final class Coded extends RuntimeException {
    private final int code;

    Coded(int code, Throwable cause) {
      super("coded " + code, cause);
      this.code = code;
    }

    public int getCode() {
      return code;
    }
  }

  @Test
  void theClientsFailuresAreToldFromTheContainers() {
    assertThat(UnreadBody.fromTheClient(new IOException("early EOF"))).isTrue();
    assertThat(UnreadBody.fromTheClient(new UncheckedIOException(new IOException("reset")))).isTrue();
    assertThat(UnreadBody.fromTheClient(new Coded(400, null))).isTrue();
    assertThat(UnreadBody.fromTheClient(new RuntimeException(new Coded(408, null)))).isTrue();
    assertThat(UnreadBody.fromTheClient(new IllegalStateException("a bug of the container"))).isFalse();
    assertThat(UnreadBody.fromTheClient(new Coded(500, null))).isFalse();
    assertThat(UnreadBody.fromTheClient(null)).isFalse();
  }

  @Test
  void aBodyThatCameTooSlowlyIs408AndOneCutShort400() {
    assertThat(UnreadBody.code(new Coded(408, null))).isEqualTo(ErrorCode.REQUEST_TIMEOUT);
    assertThat(UnreadBody.code(new IOException(new SocketTimeoutException("idle")))).isEqualTo(ErrorCode.REQUEST_TIMEOUT);
    assertThat(UnreadBody.code(new IOException("early EOF"))).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(UnreadBody.detail(new IOException("early EOF"))).contains("could not be read to its end");
    assertThat(UnreadBody.detail(new Coded(408, null))).contains("did not arrive in time");
  }
}
