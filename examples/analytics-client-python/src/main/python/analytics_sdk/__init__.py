"""A small client around the generated ``analytics_client``: the key on every call, typed
problems, retries of 429 answers after their Retry-After, and the usage headers of the last answer."""

from analytics_sdk.client import AnalyticsClient, ApiProblem, Usage, parse_rate_limit

__all__ = ["AnalyticsClient", "ApiProblem", "Usage", "parse_rate_limit"]
