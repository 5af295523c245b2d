/**
 * Monetize: the admission pipeline (identify, authorize, limit, meter, audit) behind
 * {@link dev.monetize.Monetize}, free of any web framework.
 */
package dev.monetize;
