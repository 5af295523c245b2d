package dev.monetize.management.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * The request bodies of the management API, bound by Jackson: snake_case names, unknown fields
 * refused, no coercion between types. A component's description is what a caller is told when
 * its value has the wrong type; ranges and the rest are checked after binding.
 */
final class Bodies {
  private Bodies() {}

  /** {@code POST /organizations}. */
  /** The body of an operation that takes none: nothing, or an empty object. */
  record None() {}

  record Organization(
      @JsonProperty("id") @JsonPropertyDescription("a non-empty string") String id,
      @JsonProperty("name") @JsonPropertyDescription("a non-empty string") String name,
      @JsonProperty("plan") @JsonPropertyDescription("a non-empty string") String plan,
      @JsonProperty("billing_day") @JsonPropertyDescription("a whole number from 1 to 31") Long billingDay,
      @JsonProperty("time_zone") @JsonPropertyDescription("a time zone id such as Europe/Berlin") String timeZone) {}

  /** {@code PATCH /organizations/{id}}. */
  record OrganizationUpdate(
      @JsonProperty("plan") @JsonPropertyDescription("a plan's name") String plan,
      @JsonProperty("at") @JsonPropertyDescription("\"now\" (the default) or \"period_end\"") String at) {}

  /** {@code POST /projects}. */
  record Project(
      @JsonProperty("organization_id") @JsonPropertyDescription("a non-empty string") String organizationId,
      @JsonProperty("name") @JsonPropertyDescription("a non-empty string") String name,
      @JsonProperty("scopes") @JsonPropertyDescription("a list of 1 to 100 scopes") List<String> scopes) {}

  /** {@code POST /keys}. */
  record Key(
      @JsonProperty("organization_id") @JsonPropertyDescription("a non-empty string") String organizationId,
      @JsonProperty("project_id") @JsonPropertyDescription("a non-empty string") String projectId,
      @JsonProperty("scopes") @JsonPropertyDescription("a list of 1 to 100 scopes") List<String> scopes,
      @JsonProperty("expires_at") @JsonPropertyDescription("an ISO-8601 instant such as 2027-01-31T00:00:00Z")
      String expiresAt,
      @JsonProperty("environment") @JsonPropertyDescription("a non-empty string") String environment,
      @JsonProperty("limits") @JsonPropertyDescription("an object of policy name to a whole number")
      Map<String, JsonNode> limits) {}

  /** {@code POST /keys/{id}/rotate}. */
  record Rotation(
      @JsonProperty("overlap_seconds") @JsonPropertyDescription("a whole number of seconds") Long overlapSeconds) {}

  /** {@code POST /tokens}. */
  record Token(
      @JsonProperty("scopes") @JsonPropertyDescription("a list of 1 to 100 scopes") List<String> scopes,
      @JsonProperty("ttl_seconds") @JsonPropertyDescription("a whole number of seconds") Long ttlSeconds) {}

  /** {@code POST /analytics/what-if}: a candidate plan, and a time in the period to price. */
  record WhatIf(
      @JsonProperty("plan") @JsonPropertyDescription("a plan's name, or a plan in the plans file's syntax with its "
          + "\"name\"") com.fasterxml.jackson.databind.JsonNode plan,
      @JsonProperty("at") @JsonPropertyDescription("an RFC 3339 instant in the period to price; absent: now")
      String at) {
  }

  /** {@code POST /shield/deny} and {@code /shield/allow}: a network, and until when. */
  record ShieldEntry(
      @JsonProperty("cidr") @JsonPropertyDescription("a network such as \"198.51.100.0/24\" or \"2001:db8::/32\"")
      String cidr,
      @JsonProperty("until") @JsonPropertyDescription("an RFC 3339 instant the entry lapses at; absent: never")
      String until) {}

  /** {@code POST /cache/invalidate}. */
  record CacheInvalidation(
      @JsonProperty("tag") @JsonPropertyDescription("a cache tag such as \"stats\"") String tag,
      @JsonProperty("customer_id") @JsonPropertyDescription("an organization's id; absent: every organization")
      String customerId) {}

  /** {@code POST /credits}. */
  record TopUp(
      @JsonProperty("customer_id") @JsonPropertyDescription("a non-empty string") String customerId,
      @JsonProperty("amount") @JsonPropertyDescription("a decimal such as \"25.00\"") JsonNode amount,
      @JsonProperty("id") @JsonPropertyDescription("a non-empty string") String id,
      @JsonProperty("note") @JsonPropertyDescription("a string") String note) {}
}
