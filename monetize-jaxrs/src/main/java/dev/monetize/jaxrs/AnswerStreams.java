package dev.monetize.jaxrs;

import dev.monetize.Admission;
import dev.monetize.CacheLookup;
import dev.monetize.cache.CachedResponse;
import dev.monetize.http.CompressingStream;
import dev.monetize.http.Compression;
import dev.monetize.http.Header;
import jakarta.ws.rs.ext.WriterInterceptorContext;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The streams the adapter puts around a monetized call's bodies: the request body counted (and held
 * to the operation's limit), the answer counted as it is written, held back while the cache stores
 * it, or compressed.
 */
final class AnswerStreams {
  private AnswerStreams() {
  }

  /**
   * Holds a cacheable answer back while it is serialized (up to {@link AdmissionFilter#CAPTURE_LIMIT}): then it is
   * stored, its {@code ETag} added to the headers (not yet sent), and it is written. A larger answer
   * is passed through as it comes and not stored.
   */
  static final class Holding extends OutputStream {
    private final OutputStream out;
    private final OutputStream wire;
    private final CacheLookup cache;
    private final java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
    private boolean passing;

    /** Holds what goes to {@code out}; a stored gzip form goes straight to {@code wire}. */
    Holding(OutputStream out, OutputStream wire, CacheLookup cache) {
      this.out = out;
      this.wire = wire;
      this.cache = cache;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (!passing && buffer.size() + len > AdmissionFilter.CAPTURE_LIMIT) {
        passing = true;
        cache.abandon();
        buffer.writeTo(out);
        buffer.reset();
      }
      if (passing) {
        out.write(b, off, len);
      } else {
        buffer.write(b, off, len);
      }
    }

    @Override
    public void flush() throws IOException {
      if (passing) {
        out.flush();
      }
    }

    @Override
    public void close() throws IOException {
      if (passing) {
        out.close();
      }
    }

    void finish(WriterInterceptorContext context) throws IOException {
      if (passing) {
        return;
      }
      byte[] body = buffer.toByteArray();
      if (context.getHeaders().getFirst("Content-Encoding") != null) { // encoded by another interceptor: not ours to keep
        cache.abandon();
        out.write(body);
        out.flush();
        return;
      }
      // without the cache's own Cache-Control, put there by the filter (any other, a later filter's, still counts)
      String ours = cache.headers().stream().filter(h -> h.name().equalsIgnoreCase("Cache-Control"))
          .map(Header::value).findFirst().orElse("");
      java.util.List<Header> headers = ResponseHeaders.headersOf(context.getHeaders()).stream()
          .filter(h -> !(h.name().equalsIgnoreCase("Cache-Control") && h.value().equals(ours))).toList();
      cache.store(200, context.getMediaType().toString(), body, headers);
      if (cache.representation().isEmpty()) { // not stored (it varies by a header outside the key): as written
        out.write(body);
        out.flush();
        return;
      }
      for (Header h : cache.headers()) {
        ResponseHeaders.put(context.getHeaders(), h);
      }
      CachedResponse.Representation form = cache.representation().orElseThrow();
      if (form.contentEncoding().isPresent()) { // compressed once, when stored
        context.getHeaders().putSingle("Content-Encoding", form.contentEncoding().get());
        context.getHeaders().remove("Content-Length");
        wire.write(form.bytes());
        wire.flush();
      } else {
        out.write(body);
        out.flush();
      }
    }
  }

  /** Compression's side in JAX-RS: the headers of the answer being written. */
  record Gzip(WriterInterceptorContext context, OutputStream wire, int status) implements CompressingStream.Choice {
    @Override
    public boolean compress() {
      jakarta.ws.rs.core.MultivaluedMap<String, Object> h = context.getHeaders();
      if (status == 204 || status == 206 || status == 304 || h.getFirst("Content-Encoding") != null
          || h.getFirst("Content-Range") != null || !holdOnFlush()
          || Compression.sensitive(text(h.getFirst("Set-Cookie")), text(h.getFirst("Cache-Control")))) {
        return false;
      }
      h.putSingle("Content-Encoding", Compression.GZIP);
      Object vary = h.getFirst("Vary");
      h.putSingle("Vary", Compression.varyWithAcceptEncoding(vary == null ? null : vary.toString()));
      Object etag = h.getFirst("ETag");
      if (etag != null) {
        h.putSingle("ETag", Compression.gzipEtag(etag.toString()));
      }
      h.remove("Content-Length");
      return true;
    }

    private static String text(Object header) {
      return header == null ? null : header.toString();
    }

    @Override
    public boolean holdOnFlush() {
      return context.getMediaType() != null && Compression.compressible(context.getMediaType().toString());
    }

    @Override
    public OutputStream below(boolean compressed) {
      return wire;
    }
  }

  /**
   * Counts the request body bytes the resource reads into the admission ({@code bytes_in}); past the
   * operation's body limit the read fails with {@link dev.monetize.http.BodyTooLargeException}
   * (answered {@code 413}).
   */
  static final class CountingInput extends java.io.FilterInputStream {
    private final Admission admission;
    private final MonetizeContext context;

    CountingInput(java.io.InputStream in, Admission admission, MonetizeContext context) {
      super(in);
      this.admission = admission;
      this.context = context;
    }

    private void counted(long n) throws IOException {
      admission.readBody(n);
    }


    @Override
    public int read() throws IOException {
      int b;
      try {
        b = in.read();
      } catch (IOException | RuntimeException e) {
        if (dev.monetize.http.UnreadBody.fromTheClient(e)) { // the client stopped sending, or sent too slowly
          context.bodyFailed(e);
        }
        throw e;
      }
      if (b >= 0) {
        counted(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n;
      try {
        n = in.read(b, off, len);
      } catch (IOException | RuntimeException e) {
        if (dev.monetize.http.UnreadBody.fromTheClient(e)) { // the client stopped sending, or sent too slowly
          context.bodyFailed(e);
        }
        throw e;
      }
      counted(n);
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped;
      try {
        skipped = in.skip(n);
      } catch (IOException | RuntimeException e) {
        if (dev.monetize.http.UnreadBody.fromTheClient(e)) { // the client stopped sending, or sent too slowly
          context.bodyFailed(e);
        }
        throw e;
      }
      counted(skipped);
      return skipped;
    }
  }

  /**
   * Counts the bytes of the body as they are written. The container completes the response after
   * the interceptors return, so the admission completes there; a writer that closes the stream
   * completes it first, before the response can be complete on the wire.
   */
  static final class Counting extends FilterOutputStream {
    private final Admission admission;
    private final int status;
    long count;

    Counting(OutputStream out, Admission admission, int status) {
      super(out);
      this.admission = admission;
      this.status = status;
    }

    @Override
    public void close() throws IOException {
      admission.complete(status, count);
      super.close();
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }
}
