/**
 * Operator insight: what each request costs and earns, per plan, operation and customer; the SLA
 * each plan got; listeners for metrics systems.
 */
package dev.monetize.insight;
