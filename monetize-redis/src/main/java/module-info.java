/**
 * The Redis stores (Lettuce), on one server or a Redis Cluster: limits (every limit of a request in
 * one script, one round trip), the response cache and the shield's lists.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // Lettuce names its module in its manifest only
module dev.monetize.redis {
  requires transitive dev.monetize.core;
  requires transitive lettuce.core; // the builder accepts a RedisClient
  requires org.slf4j;
  requires com.github.benmanes.caffeine;

  exports dev.monetize.redis;
}
