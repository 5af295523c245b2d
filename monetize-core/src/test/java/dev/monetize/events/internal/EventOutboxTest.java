package dev.monetize.events.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.events.LifecycleEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Events published while the engine is built wait for its start, all of them, in order. */
class EventOutboxTest {
  private final List<String> heard = Collections.synchronizedList(new ArrayList<>());

  private EventOutbox outbox() {
    return new EventOutbox("test", Optional.empty(), dev.monetize.billing.DeadLetterStore.inMemory(),
        e -> heard.add(e.id()));
  }

  private static LifecycleEvent event(int i) {
    return new LifecycleEvent("e-" + i, LifecycleEvent.PLAN_CHANGED, "acme", Instant.EPOCH, Map.of());
  }

  @Test
  void moreEventsThanTheQueueHoldsWaitForTheStartAndGoOutInOrder() throws Exception {
    try (EventOutbox outbox = outbox()) {
      int early = 12_000; // more than the queue's 10,000: a start after a long downtime
      for (int i = 0; i < early; i++) {
        outbox.publish(event(i));
      }
      assertThat(heard).as("nothing before the start").isEmpty();
      assertThat(outbox.dropped()).isZero();
      outbox.start();
      outbox.publish(event(early)); // after the start: after every early one
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() == early + 1);
      List<String> expected = new ArrayList<>();
      for (int i = 0; i <= early; i++) {
        expected.add("e-" + i);
      }
      assertThat(heard).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void anOutboxClosedBeforeItStartedStillDeliversWhatWasPublished() {
    EventOutbox outbox = outbox();
    outbox.publish(event(1));
    outbox.publish(event(2));
    outbox.close();
    assertThat(heard).containsExactly("e-1", "e-2");
  }
}
