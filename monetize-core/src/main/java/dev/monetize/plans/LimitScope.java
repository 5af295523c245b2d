package dev.monetize.plans;

/**
 * Whose budget a limit counts: the whole customer (the default), each key, each operation of the
 * customer, or each client address of the customer. Every scope stays inside one customer, so all
 * limits of a request live in one partition (one Redis Cluster slot).
 */
public enum LimitScope {
  /** One budget per customer (organization). */
  CUSTOMER,
  /** One budget per API key. */
  KEY,
  /** One budget per operation, per customer. */
  OPERATION,
  /** One budget per client IP address, per customer. */
  IP
}
