package dev.monetize.keys.internal;

import dev.monetize.TimeSource;
import dev.monetize.billing.BillingHistory;
import dev.monetize.billing.PlanChange;
import dev.monetize.keys.CustomerService;
import dev.monetize.keys.CustomerStore;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Plan;
import java.util.Optional;
import java.util.function.Consumer;

/** The {@link CustomerService} over a customer store, recording plan changes in the billing history. */
public final class CustomerRegistry implements CustomerService {
  private final CustomerStore customers;
  private final Catalog catalog;
  private final BillingHistory billingHistory;
  private final TimeSource time;
  private final Consumer<PlanChange> planChanged;

  /**
   * Over {@code customers}, with plans from {@code catalog}; each plan change is recorded in
   * {@code billingHistory}, then told to {@code planChanged}.
   */
  public CustomerRegistry(CustomerStore customers, Catalog catalog, BillingHistory billingHistory, TimeSource time,
      Consumer<PlanChange> planChanged) {
    this.customers = customers;
    this.catalog = catalog;
    this.billingHistory = billingHistory;
    this.time = time;
    this.planChanged = planChanged;
  }

  @Override
  public void save(Customer customer) {
    if (customer.id().equalsIgnoreCase(dev.monetize.Principal.OPERATOR_ORGANIZATION)) {
      throw new IllegalArgumentException("customer id '" + customer.id() + "' is reserved to the operator credential");
    }
    if (catalog.plan(customer.plan()).isEmpty()) {
      throw new IllegalArgumentException("customer " + customer.id() + ": plan '" + customer.plan()
          + "' is not defined (plans: " + catalog.plans().stream().map(Plan::name).toList() + ")");
    }
    Optional<Customer> before = customers.find(customer.id());
    customers.save(customer);
    if (before.isEmpty() || !before.get().plan().equals(customer.plan())) {
      PlanChange change = new PlanChange(customer.id(), customer.plan(), time.now());
      billingHistory.recordPlanChange(change);
      try {
        planChanged.accept(change);
      } catch (RuntimeException e) { // saved and recorded: reports re-read the history when a period opens
        org.slf4j.LoggerFactory.getLogger(CustomerRegistry.class).error("after the plan change of {}: {}",
            customer.id(), e.toString());
      }
    }
  }

  /**
   * Puts {@code customer} on the plan of {@code due}, a change the history already holds (it was
   * scheduled): saved without recording it again, then told to the plan-change listener.
   */
  public void applyRecorded(Customer customer, PlanChange due) {
    customers.save(customer);
    try {
      planChanged.accept(due);
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(CustomerRegistry.class).error("after the plan change of {}: {}",
          customer.id(), e.toString());
    }
  }

  @Override
  public Optional<Customer> find(String customerId) {
    return customers.find(customerId);
  }

  @Override
  public long count() {
    return customers.count();
  }
}
