/** Rate limits (GCRA) and calendar quotas, checked atomically per request. */
package dev.monetize.limits;
