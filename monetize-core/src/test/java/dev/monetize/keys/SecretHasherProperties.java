package dev.monetize.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;

/** The allocation-lean hashing of a secret inside a header equals the textbook computation. */
class SecretHasherProperties {
  private static final byte[] PEPPER = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  @Property(tries = 1000)
  void hashingARegionEqualsHashingItsTextWithTheJdk(@ForAll String before, @ForAll @StringLength(max = 200) String secret,
      @ForAll String after) throws Exception {
    String header = before + secret + after;
    int from = before.length();
    int to = from + secret.length();
    byte[] bytes = header.substring(from, to).getBytes(StandardCharsets.UTF_8);
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();

    String sha = b64.encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
    assertThat(SecretHasher.sha256().hash(header, from, to)).isEqualTo(sha);
    assertThat(SecretHasher.sha256().hash(secret)).isEqualTo(sha);

    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(PEPPER, "HmacSHA256"));
    String hmac = b64.encodeToString(mac.doFinal(bytes));
    assertThat(SecretHasher.hmacSha256(PEPPER).hash(header, from, to)).isEqualTo(hmac);
  }
}
