package dev.monetize.examples.analytics.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** OWASP API5: operator functions need the operator; a child key never gets more than its parent. */
class Api5BrokenFunctionLevelAuthorizationTest extends OwaspSuite {
  @Test
  void operatorFunctionsNeedTheOperator() {
    assertThat(app.bearer("POST", "/monetize/organizations", pro(), "{\"name\":\"x\",\"plan\":\"pro\"}").code())
        .isEqualTo("scope_denied");
    assertThat(app.bearer("POST", "/monetize/organizations", admin(), "{\"name\":\"x\",\"plan\":\"pro\"}").status())
        .isEqualTo(201);
  }

  @Test
  void aChildKeyNeverHoldsMoreThanItsParent() {
    String writer = app.monetize().keys().issue("demo-pro", Set.of("keys:write", "stats:read")).secret();
    assertThat(app.bearer("POST", "/monetize/keys", writer,
        "{\"organization_id\":\"demo-pro\",\"scopes\":[\"export:read\"]}").code()).isEqualTo("scope_escalation");
    assertThat(app.bearer("POST", "/monetize/keys", pro(),
        "{\"organization_id\":\"demo-pro\",\"scopes\":[\"monetize:admin\"]}").code()).isEqualTo("scope_escalation");
    assertThat(app.bearer("POST", "/monetize/keys", writer,
        "{\"organization_id\":\"demo-pro\",\"scopes\":[\"stats:read\"],\"limits\":{\"rate\":1000000}}").code())
        .isEqualTo("scope_escalation");
    assertThat(app.bearer("POST", "/monetize/keys", writer,
        "{\"organization_id\":\"demo-pro\",\"scopes\":[\"stats:read\"]}").status()).isEqualTo(201);
  }
}
