package dev.monetize.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** When answers are compressed, and the stream that does it. */
class CompressionTest {
  @Test
  void acceptEncodingIsReadWithItsWeights() {
    assertThat(Compression.acceptsGzip("gzip")).isTrue();
    assertThat(Compression.acceptsGzip("gzip, deflate, br")).isTrue();
    assertThat(Compression.acceptsGzip("br;q=1.0, GZIP;q=0.5")).isTrue();
    assertThat(Compression.acceptsGzip("x-gzip")).isTrue();
    assertThat(Compression.acceptsGzip("*")).isTrue();
    assertThat(Compression.acceptsGzip("gzip;q=0")).isFalse();
    assertThat(Compression.acceptsGzip("gzip;q=0.000")).isFalse();
    assertThat(Compression.acceptsGzip("*, gzip;q=0")).isFalse();
    assertThat(Compression.acceptsGzip("*;q=0")).isFalse();
    assertThat(Compression.acceptsGzip("identity")).isFalse();
    assertThat(Compression.acceptsGzip("br")).isFalse();
    assertThat(Compression.acceptsGzip("")).isFalse();
    assertThat(Compression.acceptsGzip(null)).isFalse();
  }

  @Test
  void onlyTypesThatShrinkAreCompressed() {
    assertThat(Compression.compressible("application/json")).isTrue();
    assertThat(Compression.compressible("application/json; charset=utf-8")).isTrue();
    assertThat(Compression.compressible("application/problem+json")).isTrue();
    assertThat(Compression.compressible("text/csv")).isTrue();
    assertThat(Compression.compressible("application/x-ndjson")).isTrue();
    assertThat(Compression.compressible("text/event-stream")).isFalse();
    assertThat(Compression.compressible("image/png")).isFalse();
    assertThat(Compression.compressible("application/octet-stream")).isFalse();
    assertThat(Compression.compressible("application/zip")).isFalse();
    assertThat(Compression.compressible(null)).isFalse();
    assertThat(Compression.gzipEtag("\"abc\"")).isEqualTo("\"abc--gzip\"");
    assertThat(Compression.gzipEtag("W/\"abc\"")).isEqualTo("W/\"abc\"");
    assertThat(Compression.varyWithAcceptEncoding(null)).isEqualTo("Accept-Encoding");
    assertThat(Compression.varyWithAcceptEncoding("Accept")).isEqualTo("Accept, Accept-Encoding");
    assertThat(Compression.varyWithAcceptEncoding("accept-encoding")).isEqualTo("accept-encoding");
  }

  @Property(tries = 200)
  void anyHeaderIsReadWithoutFailing(@ForAll("headers") String header) {
    boolean accepts = Compression.acceptsGzip(header);
    if (header.toLowerCase(java.util.Locale.ROOT).matches("(.*,)?\\s*gzip\\s*(,.*)?")
        && !header.toLowerCase(java.util.Locale.ROOT).contains("gzip;")) {
      assertThat(accepts).isTrue(); // named without a weight: accepted, whatever else is said
    }
  }

  @Provide
  Arbitrary<String> headers() {
    Arbitrary<String> coding = Arbitraries.of("gzip", "x-gzip", "br", "deflate", "identity", "*", "GZip", "zstd", "",
        ";", "q=", "gzip;q=0", "gzip;q=0.5", "*;q=0", "gzip;q=abc", "gzip; q = 0");
    return coding.list().ofMaxSize(6).map(l -> String.join(", ", l));
  }

  /** A stream over {@code below} that compresses when asked, recording what it was asked. */
  private static final class Recorder implements CompressingStream.Choice {
    final ByteArrayOutputStream below = new ByteArrayOutputStream();
    final boolean allow;
    final boolean holdOnFlush;
    int asked;
    boolean compressed;

    Recorder(boolean allow, boolean holdOnFlush) {
      this.allow = allow;
      this.holdOnFlush = holdOnFlush;
    }

    @Override
    public boolean compress() {
      asked++;
      return allow;
    }

    @Override
    public boolean holdOnFlush() {
      return holdOnFlush;
    }

    @Override
    public OutputStream below(boolean compressed) {
      this.compressed = compressed;
      return below;
    }
  }

  private static byte[] gunzip(byte[] b) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(b))) {
      return in.readAllBytes();
    }
  }

  @Property(tries = 60)
  void whatGoesInComesOutWhateverTheChunksAndTheThreshold(@ForAll @IntRange(min = 0, max = 5000) int size,
      @ForAll @IntRange(min = 1, max = 700) int chunk, @ForAll boolean allow) throws IOException {
    byte[] body = "0123456789abcdef".repeat(size / 16 + 1).substring(0, size).getBytes(StandardCharsets.US_ASCII);
    Recorder r = new Recorder(allow, true);
    CompressingStream s = new CompressingStream(r);
    for (int at = 0; at < size; at += chunk) {
      s.write(body, at, Math.min(chunk, size - at));
      s.flush(); // held while the type compresses
    }
    s.finish();
    boolean past = size > Compression.THRESHOLD;
    assertThat(r.asked).isEqualTo(past ? 1 : 0);
    assertThat(r.compressed).isEqualTo(past && allow);
    assertThat(r.compressed ? gunzip(r.below.toByteArray()) : r.below.toByteArray()).isEqualTo(body);
  }

  @Test
  void aStreamOfWhatDoesNotCompressGoesOutAsItIsFlushed() throws IOException {
    Recorder r = new Recorder(true, false);
    CompressingStream s = new CompressingStream(r);
    s.write("data: 1\n\n".getBytes(StandardCharsets.US_ASCII));
    s.flush();
    assertThat(r.below.toString(StandardCharsets.US_ASCII)).isEqualTo("data: 1\n\n");
    s.write(new byte[2000]);
    s.finish();
    assertThat(r.asked).isZero();
    assertThat(r.below.size()).isEqualTo(2009);
  }

  @Test
  void nothingWrittenOpensNothingAndADiscardedBodyIsNeverSent() throws IOException {
    Recorder r = new Recorder(true, true);
    new CompressingStream(r).finish();
    assertThat(r.compressed).isFalse();
    assertThat(r.below.size()).isZero();
    CompressingStream s = new CompressingStream(r);
    s.write(new byte[100]);
    s.discard();
    s.write(new byte[5000]);
    s.finish();
    assertThat(r.below.size()).isZero();
  }
}
