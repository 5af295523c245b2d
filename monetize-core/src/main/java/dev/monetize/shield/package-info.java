/**
 * The shield: what runs before any credential is looked at. CIDR allow and deny lists, a per-address
 * limit for requests without a valid credential, and temporary bans of addresses that keep failing
 * authentication. {@link dev.monetize.shield.ShieldStore} keeps lists and bans (in memory, or shared
 * on Redis); {@link dev.monetize.shield.ShieldPolicy} sets the limits.
 */
package dev.monetize.shield;
