"""The analytics API's client: the generated code does the HTTP and the models, this adds what a
paid API needs (typed problems, 429 retries after Retry-After, usage headers)."""

import json
import re
import time
from dataclasses import dataclass
from typing import Callable, List, Optional

import urllib3

from analytics_client import ApiClient, Configuration, DefaultApi
from analytics_client.exceptions import ApiException
from analytics_client.models import Accepted, Event, Summary, Timeseries

_RATE_LIMIT = re.compile(r'^\s*"([^"]*)"\s*;(.*)$')


@dataclass(frozen=True)
class Usage:
    """The usage an answer reported in its RateLimit headers."""

    policy: str
    remaining: int
    reset_seconds: int
    policies: str


def parse_rate_limit(header: Optional[str], policies: Optional[str]) -> Optional[Usage]:
    """Parses the RateLimit header (``"daily";r=50;t=30``, or several members separated by commas):
    the tightest member, the one with the fewest units remaining; None when absent or in no such form."""
    if not header:
        return None
    tightest = None
    for member in header.split(","):
        m = _RATE_LIMIT.match(member)
        if not m:
            continue
        params = dict(p.strip().split("=", 1) for p in m.group(2).split(";") if "=" in p)
        remaining = params.get("r", "")
        if not remaining.isdigit():
            continue
        reset = params.get("t", "")
        usage = Usage(m.group(1), int(remaining), int(reset) if reset.isdigit() else 0, policies or "")
        if tightest is None or usage.remaining < tightest.remaining:
            tightest = usage
    return tightest


class ApiProblem(Exception):
    """A refusal or an error of the API: RFC 9457 problem details with Monetize's stable code."""

    def __init__(self, status: int, code: str, detail: str, retry_after: Optional[int],
                 request_id: Optional[str], hint: Optional[str]):
        super().__init__(f"{status} {code}: {detail}")
        self.status = status
        self.code = code
        self.detail = detail
        self.retry_after = retry_after
        self.request_id = request_id
        self.hint = hint


class AnalyticsClient:
    """The analytics API with one key.

    ``max_retries``: how often a 429 answer is retried after its Retry-After (0: never);
    ``max_retry_after_seconds``: a longer Retry-After is raised at once; ``sleep`` waits (tests record it).
    """

    def __init__(self, base_url: str, api_key: str, max_retries: int = 2, max_retry_after_seconds: int = 10,
                 sleep: Callable[[float], None] = time.sleep):
        configuration = Configuration(host=base_url.rstrip("/"), api_key={"apiKey": api_key})
        # never follow a redirect: urllib3 drops Authorization on another host, but not X-API-Key
        configuration.retries = urllib3.util.Retry(3, redirect=False)
        self._api = DefaultApi(ApiClient(configuration))
        self._max_retries = max_retries
        self._max_wait = max_retry_after_seconds
        self._sleep = sleep
        self.last_usage: Optional[Usage] = None

    def summary(self) -> Summary:
        """GET /v1/stats/summary"""
        return self._call(self._api.stats_summary_with_http_info)

    def timeseries(self) -> Timeseries:
        """GET /v1/stats/timeseries"""
        return self._call(self._api.stats_timeseries_with_http_info)

    def ingest(self, events: List[Event]) -> Accepted:
        """POST /v1/events"""
        return self._call(lambda: self._api.events_ingest_with_http_info(events))

    def _call(self, request):
        attempt = 0
        while True:
            try:
                response = request()
                self._saw(response.headers)
                return response.data
            except ApiException as e:
                headers = e.headers or {}
                self._saw(headers)
                after = _int(headers.get("Retry-After"))
                if e.status == 429 and attempt < self._max_retries and after is not None and after <= self._max_wait:
                    attempt += 1
                    self._sleep(after)
                    continue
                raise _problem(e, headers) from None

    def _saw(self, headers) -> None:
        usage = parse_rate_limit(headers.get("RateLimit"), headers.get("RateLimit-Policy"))
        if usage is not None:
            self.last_usage = usage


def _int(value) -> Optional[int]:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _problem(e: ApiException, headers) -> ApiProblem:
    try:
        body = json.loads(e.body or "{}")
    except ValueError:
        body = {}
    retry = body.get("retry_after", _int(headers.get("Retry-After")))
    return ApiProblem(e.status, str(body.get("code", "unknown")), str(body.get("detail", e.reason)), retry,
                      body.get("request_id") or headers.get("X-Request-Id"), body.get("hint"))
