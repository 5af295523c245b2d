package dev.monetize.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.limits.PolicyState;
import java.util.List;
import org.greenbytes.http.sfv.ListElement;
import org.greenbytes.http.sfv.OuterList;
import org.greenbytes.http.sfv.Parser;
import org.junit.jupiter.api.Test;

class RateLimitHeadersTest {
  private final PolicyState rate = new PolicyState("rate", 10, 1, 7, 1, false);
  private final PolicyState daily = new PolicyState("daily", 1000, 86400, 3, 3600, false);

  @Test
  void policyListsEveryPolicyAsStructuredFields() {
    String value = RateLimitHeaders.policy(List.of(rate, daily));
    assertThat(value).isEqualTo("\"rate\";q=10;w=1, \"daily\";q=1000;w=86400");
    OuterList parsed = Parser.parseList(value);
    assertThat(parsed.get()).hasSize(2);
    ListElement<?> second = parsed.get().get(1);
    assertThat(second.get()).isEqualTo("daily");
    assertThat(second.getParams().get("q").get()).isEqualTo(1000L);
    assertThat(second.getParams().get("w").get()).isEqualTo(86400L);
  }

  @Test
  void stateReportsTheTightestPolicy() {
    assertThat(RateLimitHeaders.state(List.of(rate, daily))).isEqualTo("\"daily\";r=3;t=3600");
    PolicyState violated = new PolicyState("rate", 10, 1, 0, 1, true);
    assertThat(RateLimitHeaders.tightest(List.of(violated, daily))).isEqualTo(violated);
    ListElement<?> item = Parser.parseList(RateLimitHeaders.state(List.of(rate, daily))).get().get(0);
    assertThat(item.getParams().get("r").get()).isEqualTo(3L);
    assertThat(item.getParams().get("t").get()).isEqualTo(3600L);
  }

  @Test
  void aNameWithAQuoteOrBackslashIsEscapedInBothFields() {
    for (String name : List.of("a\"b", "a\\b", "plain-name")) {
      PolicyState odd = new PolicyState(name, 5, 60, 2, 30, false);
      ListElement<?> state = Parser.parseList(RateLimitHeaders.state(List.of(odd))).get().get(0);
      ListElement<?> policy = Parser.parseList(RateLimitHeaders.policy(List.of(odd))).get().get(0);
      assertThat(state.get()).isEqualTo(name);
      assertThat(policy.get()).isEqualTo(name);
      assertThat(state.getParams().get("r").get()).isEqualTo(2L);
    }
  }

  @Test
  void uuid7RequestIdsAreWellFormedAndSaneIdsAreKept() {
    String id = RequestIds.newId();
    assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(RequestIds.acceptOrCreate("abc-123")).isEqualTo("abc-123");
    assertThat(RequestIds.acceptOrCreate("bad id\r\nX-Injected: 1")).isNotEqualTo("bad id\r\nX-Injected: 1")
        .matches("[0-9a-f-]{36}");
    assertThat(RequestIds.acceptOrCreate(null)).hasSize(36);
    String key = dev.monetize.keys.ApiKeys.newSecret(dev.monetize.keys.KeyEnvironment.LIVE, new java.security.SecureRandom());
    assertThat(RequestIds.acceptOrCreate(key)).hasSize(36).isNotEqualTo(key); // a key sent as the id: never echoed
    String near = key.substring(0, key.length() - 1) + (key.endsWith("x") ? "y" : "x"); // its checksum fails
    assertThat(RequestIds.acceptOrCreate(near)).isEqualTo(near); // not a key: echoed as any id is
    assertThat(RequestIds.acceptOrCreate("x".repeat(129))).hasSize(36);
  }
}
