/**
 * The authority model of the management API: the {@link dev.monetize.management.Permission}s, the
 * declarative table of every management operation ({@link dev.monetize.management.ManagementOperation})
 * and the one decision function ({@link dev.monetize.management.Authority}) every handler asks.
 * {@code docs/security.md} shows the table, generated from this package.
 */
package dev.monetize.management;
