package dev.monetize.keys.internal;

import dev.monetize.TimeSource;
import dev.monetize.billing.BillingHistory;
import dev.monetize.billing.PlanChange;
import dev.monetize.keys.CustomerService;
import dev.monetize.keys.CustomerStore;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Plan;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** The {@link CustomerService} over a customer store, recording plan changes in the billing history. */
public final class CustomerRegistry implements CustomerService {
  private final CustomerStore customers;
  private final Catalog catalog;
  private final BillingHistory billingHistory;
  private final TimeSource time;
  private final Consumer<List<PlanChange>> planChanged;
  /** Told each customer stored or found changed: admission's cached view forgets it. */
  private final Consumer<String> changed;
  private final Leaving leaving;

  /**
   * Told of a customer's plan change before it is stored: it answers the change's instant (usage is
   * cut there once the change is told), and is told again once the change was told or failed.
   */
  public interface Leaving {
    /** {@code customerId} is about to leave {@code from} for {@code to}: the instant the change takes effect. */
    java.time.Instant leaving(String customerId, String from, String to);

    /** The change of {@link #leaving} was told to the plan-change listener, or failed. */
    void done(String customerId, String from, String to);
  }

  /**
   * Over {@code customers}, with plans from {@code catalog}; each plan change is recorded in
   * {@code billingHistory}, then told to {@code planChanged} (with the others applied at once);
   * {@code leaving} is told of each plan change of {@link #save} before it is stored.
   */
  public CustomerRegistry(CustomerStore customers, Catalog catalog, BillingHistory billingHistory, TimeSource time,
      Consumer<List<PlanChange>> planChanged, Consumer<String> changed, Leaving leaving) {
    this.leaving = leaving;
    this.customers = customers;
    this.catalog = catalog;
    this.billingHistory = billingHistory;
    this.time = time;
    this.planChanged = planChanged;
    this.changed = changed;
  }

  /**
   * Held while a customer is saved (stored, then its plan change recorded and told) and while
   * {@link #exclusively} work runs: the sweep of due changes never reads a change half saved.
   */
  private final Object saving = new Object();

  /** Runs {@code work} while no customer of this registry is being saved. */
  public void exclusively(Runnable work) {
    synchronized (saving) {
      work.run();
    }
  }

  @Override
  public void save(Customer customer) {
    synchronized (saving) {
      saveAlone(customer);
    }
  }

  private void saveAlone(Customer customer) {
    validate(customer);
    Optional<Customer> before = customers.find(customer.id());
    if (before.isPresent() && moves(before.get().billingAnchor(), customer.billingAnchor())
        && !billingHistory.invoices(customer.id(), 1).isEmpty()) {
      // its periods are counted from the anchor: moved, they would overlap a final invoice or leave days unbilled
      throw new IllegalArgumentException("customer " + customer.id() + " has a final invoice: its billing day and zone ("
          + before.get().billingAnchor().dayOfMonth() + ", " + before.get().billingAnchor().zone()
          + ") cannot change any more; keep them, or bill it as a new customer");
    }
    boolean leaves = before.isPresent() && !before.get().plan().equals(customer.plan());
    if (leaves) { // an invoice has one currency, whatever plans came between
      dev.monetize.billing.internal.PeriodCurrency.conflict(catalog, billingHistory, customer.id(),
          before.get().billingAnchor(), customer.plan(), time.now()).ifPresent(why -> {
            throw new IllegalArgumentException("customer " + customer.id() + ": " + why);
          });
    }
    String from = before.map(Customer::plan).orElse("");
    // from this instant to the cut usage waits, and the calls recorded meanwhile bill on the plan left
    java.time.Instant since = leaves ? leaving.leaving(customer.id(), from, customer.plan()) : null;
    try {
      try {
        customers.save(customer);
      } finally { // a store may commit and then fail to say so
        changed.accept(customer.id());
      }
      if (before.isEmpty() || leaves) {
        PlanChange change = new PlanChange(customer.id(), customer.plan(), leaves ? since : time.now());
        billingHistory.recordPlanChange(change);
        tell(List.of(change)); // saved and recorded: reports re-read the history when a period opens
      }
    } finally {
      if (leaves) {
        leaving.done(customer.id(), from, customer.plan());
      }
    }
  }

  @Override
  public boolean create(Customer customer) {
    synchronized (saving) {
      return createAlone(customer);
    }
  }

  @Override
  public CustomerStore.Creation createWithin(Customer customer, long max) {
    synchronized (saving) {
      validate(customer);
      CustomerStore.Creation result;
      try {
        result = customers.createWithin(customer, max);
      } catch (RuntimeException e) {
        // a store may commit and then fail to say so: a retry would find the id taken, and the customer
        // would have no first plan in the billing history; what the store holds now decides
        changed.accept(customer.id());
        Customer stored;
        try {
          stored = customers.find(customer.id()).orElse(null);
        } catch (RuntimeException again) {
          e.addSuppressed(again);
          throw e;
        }
        if (!customer.equals(stored)) {
          throw e;
        }
        org.slf4j.LoggerFactory.getLogger(CustomerRegistry.class).warn("creating customer {} failed after the store "
            + "saved it ({}): kept as created", customer.id(), e.toString());
        result = CustomerStore.Creation.CREATED;
      } finally {
        changed.accept(customer.id());
      }
      if (result == CustomerStore.Creation.CREATED) {
        created(customer);
      }
      return result;
    }
  }

  private boolean createAlone(Customer customer) {
    validate(customer);
    boolean created;
    try {
      created = customers.create(customer);
    } finally { // a store may commit and then fail to say so
      changed.accept(customer.id());
    }
    if (created) {
      created(customer);
    }
    return created;
  }

  /** Records the plan of a customer just created, and tells who follows plan changes. */
  private void created(Customer customer) {
    PlanChange change = new PlanChange(customer.id(), customer.plan(), time.now());
    billingHistory.recordPlanChange(change);
    tell(List.of(change));
  }

  /** Whether the periods counted from {@code to} differ from those of {@code from} (UTC and Etc/UTC do not). */
  private static boolean moves(dev.monetize.plans.BillingAnchor from, dev.monetize.plans.BillingAnchor to) {
    return from.dayOfMonth() != to.dayOfMonth() || !from.zone().getRules().equals(to.zone().getRules());
  }

  private void validate(Customer customer) {
    if (customer.id().equalsIgnoreCase(dev.monetize.Principal.OPERATOR_ORGANIZATION)) {
      throw new IllegalArgumentException("customer id '" + customer.id() + "' is reserved to the operator credential");
    }
    if (catalog.plan(customer.plan()).isEmpty()) {
      throw new IllegalArgumentException("customer " + customer.id() + ": plan '" + customer.plan()
          + "' is not defined (plans: " + catalog.plans().stream().map(Plan::name).toList() + ")");
    }
  }

  /** A customer put on the plan of a change the history already holds. */
  public record Applied(Customer customer, PlanChange due) {}

  /**
   * Puts each customer on the plan of its change, one the history already holds (it was scheduled):
   * saved without recording it again, then all told to the plan-change listener at once (usage is
   * settled once for them all, not once per customer).
   */
  public void applyRecorded(List<Applied> changes) {
    applyRecorded(changes, a -> { });
  }

  /** {@link #applyRecorded(List)}, telling {@code saved} of each change as soon as it is stored. */
  public void applyRecorded(List<Applied> changes, Consumer<Applied> saved) {
    synchronized (saving) {
      applyRecordedAlone(changes, saved);
    }
  }

  private void applyRecordedAlone(List<Applied> changes, Consumer<Applied> saved) {
    List<PlanChange> stored = new java.util.ArrayList<>(changes.size());
    try {
      for (Applied a : changes) {
        try {
          customers.save(a.customer());
        } catch (RuntimeException e) {
          // it may be stored all the same (a commit whose answer was lost): cut and announced as if it were, since
          // the next sweep would find it applied and say nothing; an announcement's id is the change's, so a
          // second one, when it was not stored and is applied again, is known for the same
          stored.add(a.due());
          saved.accept(a);
          throw e;
        } finally {
          changed.accept(a.customer().id());
        }
        stored.add(a.due());
        saved.accept(a);
      }
    } finally { // a store failing half-way: those saved are told all the same (the rest, at the next sweep)
      tell(stored);
    }
  }

  /** Tells admission's cached view that {@code customerId} changed elsewhere (another process stored it). */
  public void changedElsewhere(String customerId) {
    changed.accept(customerId);
  }

  private void tell(List<PlanChange> changes) {
    if (changes.isEmpty()) {
      return;
    }
    try {
      planChanged.accept(changes);
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(CustomerRegistry.class).error("after the plan changes of {}: {}",
          changes.stream().map(PlanChange::customerId).limit(10).toList(), e.toString());
    }
  }

  @Override
  public Optional<Customer> find(String customerId) {
    return customers.find(customerId);
  }

  /** The customers of {@code customerIds} that exist, by id, read together ({@link CustomerStore#findAll}). */
  public java.util.Map<String, Customer> findAll(java.util.Collection<String> customerIds) {
    return customers.findAll(customerIds);
  }

  @Override
  public long count() {
    return customers.count();
  }
}
