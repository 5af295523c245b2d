/** Usage metering: lock-free aggregation on the hot path, batched delivery to a sink. */
package dev.monetize.metering;
