/** Audit events (one per request) and their asynchronous, bounded delivery. */
package dev.monetize.audit;
