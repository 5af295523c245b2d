package dev.monetize.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** Every failure is a line with its request id; its stack trace once a second per kind, whatever floods. */
class FailureLogTest {
  /** What was logged at ERROR: each call's arguments. */
  private final List<List<Object>> lines = new ArrayList<>();
  private final Logger log = (Logger) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
      new Class<?>[] {Logger.class}, (proxy, method, args) -> {
        if (method.getName().equals("error")) {
          lines.add(args.length == 2 && args[1] instanceof Object[] more
              ? prepend(args[0], more) : Arrays.asList(args));
        }
        return method.getReturnType() == boolean.class ? Boolean.TRUE : null;
      });

  private static List<Object> prepend(Object first, Object[] rest) {
    List<Object> out = new ArrayList<>();
    out.add(first);
    out.addAll(Arrays.asList(rest));
    return out;
  }

  private static boolean withStackTrace(List<Object> line) {
    return line.get(line.size() - 1) instanceof Throwable;
  }

  private static IllegalStateException flood() {
    return new IllegalStateException("the same bug");
  }

  private static IllegalArgumentException another() {
    return new IllegalArgumentException("another bug");
  }

  @Test
  void aFloodOfOneFailureKeepsEveryRequestIdAndOneStackTrace() {
    FailureLog failures = new FailureLog(log);
    for (int i = 0; i < 50; i++) {
      IllegalStateException e = flood();
      failures.failed("admission of request", "r-" + i, e, e);
    }
    assertThat(lines).hasSize(50);
    assertThat(lines.stream().filter(FailureLogTest::withStackTrace)).hasSize(1);
    for (int i = 0; i < 50; i++) {
      assertThat(lines.get(i)).contains("r-" + i);
    }
    // another kind of failure in the middle of the flood still gets its stack trace
    IllegalArgumentException other = another();
    failures.failed("admission of request", "r-other", other, other);
    assertThat(lines.get(50)).contains("r-other").last().isSameAs(other);
  }
}
