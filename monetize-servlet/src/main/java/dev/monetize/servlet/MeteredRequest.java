package dev.monetize.servlet;

import dev.monetize.Admission;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;

/**
 * Counts the request body bytes the application reads, through the stream or the reader, into the
 * admission ({@code bytes_in}). A body the container parses itself (form parameters) is not seen.
 */
final class MeteredRequest extends HttpServletRequestWrapper {
  private final Admission admission;
  private ServletInputStream stream;
  private BufferedReader reader;

  MeteredRequest(HttpServletRequest request, Admission admission) {
    super(request);
    this.admission = admission;
  }

  @Override
  public ServletInputStream getInputStream() throws IOException {
    if (reader != null) {
      throw new IllegalStateException("getReader() was already called on this request");
    }
    if (stream == null) {
      stream = new CountingStream(super.getInputStream());
    }
    return stream;
  }

  @Override
  public BufferedReader getReader() throws IOException {
    if (reader == null) {
      if (stream != null) {
        throw new IllegalStateException("getInputStream() was already called on this request");
      }
      stream = new CountingStream(super.getInputStream());
      reader = new BufferedReader(new InputStreamReader(stream, MeteredResponse.charset(getCharacterEncoding())));
    }
    return reader;
  }

  private final class CountingStream extends ServletInputStream {
    private final ServletInputStream delegate;

    CountingStream(ServletInputStream delegate) {
      this.delegate = delegate;
    }

    @Override
    public int read() throws IOException {
      int b = delegate.read();
      if (b >= 0) {
        admission.addBytesIn(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = delegate.read(b, off, len);
      admission.addBytesIn(n);
      return n;
    }

    @Override
    public boolean isFinished() {
      return delegate.isFinished();
    }

    @Override
    public boolean isReady() {
      return delegate.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
      delegate.setReadListener(listener);
    }
  }
}
