package dev.monetize.testkit;

import dev.monetize.metering.InMemoryUsageSink;
import dev.monetize.metering.UsageSink;

/** The usage sink contract on the in-memory default. */
class InMemoryUsageSinkTest extends UsageSinkContract {
  @Override
  protected UsageSink sink() {
    return UsageSink.inMemory();
  }

  @Override
  protected long callsStored(UsageSink sink, String customerId) {
    return ((InMemoryUsageSink) sink).calls(r -> r.customerId().equals(customerId));
  }
}
