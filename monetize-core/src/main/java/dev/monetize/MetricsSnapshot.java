package dev.monetize;

/**
 * The engine's counters at one moment, for dashboards and health checks.
 *
 * <pre>{@code
 * MetricsSnapshot m = monetize.metrics();
 * if (m.limiterStoreOutages() > 0) { ... }
 * }</pre>
 *
 * @param inFlight requests admitted and not yet completed in this JVM
 * @param limiterStoreOutages requests refused because the limiter store was unreachable and a limit failed closed
 * @param shedRequests requests refused by load shedding
 * @param malformedKeyRefusals presented keys refused by format or checksum, without a store lookup
 * @param auditEventsDropped audit events dropped because the hand-off was full ({@code AuditOverflow.DROP})
 * @param cacheHits answers served from the response cache (304s and stale answers included)
 * @param cacheMisses lookups of cached operations that found nothing to serve (the endpoint ran)
 * @param cacheStores answers stored in the response cache
 * @param shieldDenied requests refused by the shield's deny list ({@code ip_denied})
 * @param shieldBanned requests refused because their address was banned ({@code ip_banned})
 * @param shieldRateLimited requests refused because their address spent its budget of failed
 *     authentications ({@code ip_rate_limited})
 * @param bansIssued addresses banned by this node
 * @param limiterStoreCalls limit checks handed to the limiter store (one round trip each on Redis)
 * @param limiterFallbacks decisions taken by a failover store's fallback while its primary was out
 * @param usagePending usage records waiting for the usage sink
 * @param usageSinkFailures deliveries the usage sink refused (retried)
 * @param usageDeliveryAgeMillis milliseconds since the usage sink last took everything pending
 * @param auditQueued audit events waiting in the hand-off queue
 * @param auditSpilled audit events written to the spill directory for later delivery
 * @param auditSinkFailures audit batches the audit sink refused
 * @param eventsDropped lifecycle events dropped because their queue was full
 * @param limiterLateChargesReturned charges of a shared limiter store whose reply came after the
 *     request was answered without it, given back ({@link dev.monetize.limits.StoreCounters})
 * @param limiterLateChargesStanding such charges that could not be given back (logged each time)
 */
public record MetricsSnapshot(long inFlight, long limiterStoreOutages, long shedRequests, long malformedKeyRefusals,
    long auditEventsDropped, long cacheHits, long cacheMisses, long cacheStores, long shieldDenied, long shieldBanned,
    long shieldRateLimited, long bansIssued, long limiterStoreCalls, long limiterFallbacks, long usagePending,
    long usageSinkFailures, long usageDeliveryAgeMillis, long auditQueued, long auditSpilled, long auditSinkFailures,
    long eventsDropped, long limiterLateChargesReturned, long limiterLateChargesStanding) {}
