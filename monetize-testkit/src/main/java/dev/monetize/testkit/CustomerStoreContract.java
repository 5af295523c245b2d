package dev.monetize.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.keys.CustomerStore;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.Customer;
import java.time.ZoneId;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link CustomerStore} must do. Extend it with a store factory (and, for a shared store,
 * a second client of the same backend, as another JVM would have).
 *
 * <pre>{@code
 * class MyCustomerStoreTest extends CustomerStoreContract {
 *   protected CustomerStore store() { return new MyCustomerStore(dataSource); }
 * }
 * }</pre>
 */
public abstract class CustomerStoreContract {
  /** For the implementation's test class. */
  protected CustomerStoreContract() {}

  /** The store under test; called once per test. */
  protected abstract CustomerStore store();

  /** Another client of the same backend; by default the same instance. */
  protected CustomerStore secondClientOfSameBackend(CustomerStore first) {
    return first;
  }

  private static String unique() {
    return "org_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  }

  @Test
  void aSavedCustomerIsFoundWithEveryField() {
    CustomerStore s = store();
    Customer c = new Customer(unique(), "pro", BillingAnchor.of(15, ZoneId.of("Europe/Berlin")), "Acme GmbH");
    s.save(c);
    assertThat(s.find(c.id())).contains(c);
    assertThat(secondClientOfSameBackend(s).find(c.id())).contains(c);
    assertThat(s.find(unique())).isEmpty();
  }

  @Test
  void aBatchFindsTheCustomersThatExistByTheirIds() {
    CustomerStore s = store();
    Customer a = new Customer(unique(), "pro", BillingAnchor.of(15, ZoneId.of("Europe/Berlin")), "Acme GmbH");
    Customer b = new Customer(unique(), "free", BillingAnchor.DEFAULT, "Globex");
    s.save(a);
    s.save(b);
    String missing = unique();
    assertThat(s.findAll(java.util.List.of(a.id(), missing, b.id()))).containsOnlyKeys(a.id(), b.id())
        .containsEntry(a.id(), a).containsEntry(b.id(), b);
    assertThat(secondClientOfSameBackend(s).findAll(java.util.List.of(b.id()))).containsEntry(b.id(), b);
    assertThat(s.findAll(java.util.List.of())).isEmpty();
  }

  @Test
  void savingTheSameIdReplacesThePlanAndName() {
    CustomerStore s = store();
    String id = unique();
    s.save(new Customer(id, "free", BillingAnchor.DEFAULT, "Before"));
    Customer after = new Customer(id, "enterprise", BillingAnchor.of(3, ZoneId.of("UTC")), "After");
    s.save(after);
    assertThat(s.find(id)).contains(after);
  }

  @Test
  void theCountGrowsByOnePerNewCustomerOnly() {
    CustomerStore s = store();
    long before = s.count();
    String id = unique();
    s.save(new Customer(id, "free", BillingAnchor.DEFAULT, "One"));
    s.save(new Customer(id, "pro", BillingAnchor.DEFAULT, "One again"));
    s.save(new Customer(unique(), "free", BillingAnchor.DEFAULT, "Two"));
    assertThat(s.count()).isEqualTo(before + 2);
  }

  /** Of sixteen creations of one id on two clients, exactly one inserts, and none replaces it. */
  @Test
  void ofConcurrentCreationsOfOneIdExactlyOneWins() throws Exception {
    CustomerStore s = store();
    CustomerStore other = secondClientOfSameBackend(s);
    String id = unique();
    java.util.List<Boolean> created = Concurrently.call(16, t -> (t % 2 == 0 ? s : other)
        .create(new Customer(id, "pro", BillingAnchor.DEFAULT, "writer " + t)));
    assertThat(created).filteredOn(c -> c).hasSize(1);
    String winner = "writer " + created.indexOf(true);
    assertThat(s.find(id)).hasValueSatisfying(c -> assertThat(c.name()).isEqualTo(winner));
    assertThat(s.create(new Customer(id, "enterprise", BillingAnchor.DEFAULT, "late"))).isFalse();
    assertThat(other.find(id).orElseThrow().plan()).isEqualTo("pro");
  }

  /**
   * Creations racing for the last places below a cap, on two clients: no more customers than fit, the
   * others told the store is full; an existing id is told apart and left as it was. Both clients run
   * in this JVM, where the interface's default {@code createWithin} holds too: a store shared by several
   * processes must override it (count and insert as one step in the backend), which this test cannot
   * tell from the default.
   */
  @Test
  void creationsRacingForTheLastPlacesMakeNoMoreThanFit() throws Exception {
    CustomerStore s = store();
    CustomerStore other = secondClientOfSameBackend(s);
    String existing = unique();
    s.save(new Customer(existing, "pro", BillingAnchor.DEFAULT, "Existing"));
    long max = s.count() + 3;
    String prefix = unique();
    java.util.List<CustomerStore.Creation> outcomes = Concurrently.call(16, t -> (t % 2 == 0 ? s : other)
        .createWithin(new Customer(prefix + "_" + t, "pro", BillingAnchor.DEFAULT, "writer " + t), max));
    assertThat(outcomes).filteredOn(o -> o == CustomerStore.Creation.CREATED).hasSize(3);
    assertThat(outcomes).filteredOn(o -> o == CustomerStore.Creation.FULL).hasSize(13);
    assertThat(other.count()).isEqualTo(max);
    assertThat(s.createWithin(new Customer(existing, "free", BillingAnchor.DEFAULT, "late"), max + 10))
        .isEqualTo(CustomerStore.Creation.EXISTS);
    assertThat(other.find(existing).orElseThrow().plan()).isEqualTo("pro");
  }
}
