package dev.monetize.billing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.billing.PlanChange;
import dev.monetize.plans.Customer;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Admission's view of changes that are due before a sweep applies them. */
class DuePlansTest {
  private static final Instant T = Instant.parse("2026-12-01T00:00:00Z");
  private static final Customer ACME = Customer.of("acme", "basic");

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  @Test
  void aChangeHoldsFromItsInstantUntilTheStoredCustomerHoldsIt() {
    DuePlans due = new DuePlans();
    assertThat(due.inForce(ACME, nanos(T))).isSameAs(ACME); // nothing expected: the very object
    PlanChange toPro = new PlanChange("acme", "pro", T);
    due.expect(toPro);
    assertThat(due.inForce(ACME, nanos(T) - 1)).isSameAs(ACME); // a nanosecond before
    assertThat(due.inForce(ACME, nanos(T)).plan()).isEqualTo("pro");
    assertThat(due.inForce(Customer.of("globex", "basic"), nanos(T)).plan()).isEqualTo("basic"); // its own only
    // the next period's change, scheduled before the sweep applied this one: both hold, each from its instant
    PlanChange back = new PlanChange("acme", "basic", T.plusSeconds(86_400 * 31));
    due.forgetAfter("acme", T.plusSeconds(2)); // what scheduling does first: the due change stays
    due.expect(back);
    assertThat(due.inForce(ACME, nanos(T.plusSeconds(3))).plan()).isEqualTo("pro");
    due.applied(java.util.List.of(toPro));
    Customer onPro = Customer.of("acme", "pro");
    assertThat(due.inForce(onPro, nanos(T.plusSeconds(60)))).isSameAs(onPro);
    assertThat(due.inForce(onPro, nanos(back.since())).plan()).isEqualTo("basic");
    due.forget("acme");
    assertThat(due.inForce(onPro, nanos(back.since()))).isSameAs(onPro);
  }

  @Test
  void aPassedChangeThatStopsBeingExpectedWithoutBeingAppliedIsWithdrawn() {
    DuePlans due = new DuePlans();
    java.util.List<PlanChange> withdrawn = new java.util.ArrayList<>();
    due.onWithdrawn(withdrawn::add);
    PlanChange a = new PlanChange("acme", "pro", T);
    PlanChange b = new PlanChange("globex", "pro", T);
    PlanChange c = new PlanChange("initech", "pro", T.plusSeconds(5));
    due.replaceWith(java.util.List.of(a, b, c));
    due.pass(nanos(T), cut -> { });
    due.applied(java.util.List.of(a)); // applied: not withdrawn
    due.replaceWith(java.util.List.of(c)); // b is gone from the history; c was never passed
    assertThat(withdrawn).containsExactly(b);
    due.forget("initech");
    assertThat(withdrawn).containsExactly(b);
  }

  @Test
  void usagePassesEachExpectedChangeOnceInOrderOfItsInstant() {
    DuePlans due = new DuePlans();
    assertThat(due.nextNanos()).isEqualTo(Long.MAX_VALUE); // nothing expected: no call looks further
    PlanChange later = new PlanChange("globex", "pro", T.plusSeconds(7));
    PlanChange first = new PlanChange("acme", "pro", T);
    due.expect(later);
    due.expect(first);
    assertThat(due.nextNanos()).isEqualTo(nanos(T));
    assertThat(due.due(nanos(T) - 1)).isEmpty();
    assertThat(due.due(nanos(T.plusSeconds(7)))).containsExactly(first, later);
    java.util.List<java.util.List<PlanChange>> cuts = new java.util.ArrayList<>();
    due.pass(nanos(T.plusSeconds(1)), cuts::add);
    assertThat(cuts).containsExactly(java.util.List.of(first)); // instant by instant
    due.pass(nanos(T.plusSeconds(1)), cuts::add);
    assertThat(cuts).hasSize(1); // once
    assertThat(due.nextNanos()).isEqualTo(nanos(later.since())); // the first is passed, until it is forgotten
    assertThat(due.due(nanos(T.plusSeconds(7)))).containsExactly(later);
    due.replaceWith(java.util.List.of(first, later)); // a sweep expecting them again passes neither twice
    assertThat(due.nextNanos()).isEqualTo(nanos(later.since()));
    due.forgetAfter("globex", T); // cancelled elsewhere: the next call past its instant finds nothing due
    assertThat(due.nextNanos()).isLessThanOrEqualTo(nanos(later.since())); // a bound, not scanned for on removal
    assertThat(due.due(nanos(T.plusSeconds(60)))).isEmpty();
    due.pass(nanos(T.plusSeconds(60)), c -> { });
    assertThat(due.nextNanos()).isEqualTo(Long.MAX_VALUE);
    due.applied(java.util.List.of(first));
    due.expect(first); // expected again once forgotten (a change scheduled anew at the same instant): passed anew
    assertThat(due.nextNanos()).isEqualTo(nanos(T));
  }

  @Test
  void ofChangesAtOneInstantTheLastRecordedHolds() {
    DuePlans due = new DuePlans();
    // period_end payg, then bulk, then payg again within the last 30 seconds of a shared history's period
    due.expect(new PlanChange("acme", "payg", T));
    due.expect(new PlanChange("acme", "bulk", T));
    due.expect(new PlanChange("acme", "payg", T));
    assertThat(due.inForce(ACME, nanos(T)).plan()).isEqualTo("payg");
  }
}
