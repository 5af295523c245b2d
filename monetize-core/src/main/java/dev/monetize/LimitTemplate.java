package dev.monetize;

import dev.monetize.limits.LimitRequest;
import dev.monetize.plans.LimitScope;

/**
 * One limit of a plan as the limit step charges it: its scope, the prefix its keys start with
 * ({@code {customer}:name}), and its request with the key already built when it is per customer.
 */
record LimitTemplate(LimitScope scope, String prefix, LimitRequest perCustomer) {}
