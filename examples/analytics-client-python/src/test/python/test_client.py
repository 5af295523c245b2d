"""Runs against the example service the build started: MONETIZE_BASE_URL, and demo keys in
MONETIZE_PRO_KEY and MONETIZE_FREE_KEY."""

import os
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import pytest

from analytics_client.models import Event, Summary
from analytics_sdk import AnalyticsClient, ApiProblem, Usage, parse_rate_limit

BASE = os.environ.get("MONETIZE_BASE_URL", "")
PRO = os.environ.get("MONETIZE_PRO_KEY", "")
FREE = os.environ.get("MONETIZE_FREE_KEY", "")


def test_the_environment_names_a_running_service():
    assert BASE.startswith("http://127.0.0.1:")
    assert PRO.startswith("mk_test_")


def test_events_go_in_and_the_summary_is_typed_with_the_usage_of_the_call():
    client = AnalyticsClient(BASE, PRO)
    accepted = client.ingest([
        Event(type="page_view", timestamp=datetime(2026, 11, 24, 10, tzinfo=timezone.utc), user_id="u1", value=2.5,
              properties={"page": "/home"}),
        Event(type="signup", user_id="u2", value=1.0, properties={}),
    ])
    assert accepted.accepted == 2
    summary = client.summary()
    assert isinstance(summary, Summary)
    assert summary.events >= 2
    assert summary.distinct_users >= 2
    assert isinstance(summary.by_type, dict)
    assert isinstance(client.last_usage, Usage)
    assert client.last_usage.remaining >= 0
    assert client.last_usage.reset_seconds >= 0
    assert "q=" in client.last_usage.policies


def test_a_refusal_is_a_typed_problem_with_its_stable_code():
    with pytest.raises(ApiProblem) as refused:
        AnalyticsClient(BASE, "mk_test_" + "A" * 28).summary()
    assert refused.value.status == 401
    assert refused.value.code in ("key_invalid", "key_missing")
    assert refused.value.request_id
    with pytest.raises(ApiProblem) as bad:
        AnalyticsClient(BASE, PRO).ingest([Event(type="", value=1.0, properties={})])
    assert bad.value.status == 400
    assert bad.value.code == "bad_request"


def test_429_answers_are_retried_after_their_retry_after_or_raised_with_it():
    impatient = AnalyticsClient(BASE, FREE, max_retries=0)

    def attempt(_):
        try:
            impatient.summary()
            return None
        except ApiProblem as e:
            return e

    with ThreadPoolExecutor(12) as pool:
        refusals = [e for e in pool.map(attempt, range(30)) if e is not None]
    assert refusals, "the free plan allows 5 per second, burst 5"
    for e in refusals:
        assert e.status == 429
        assert e.code == "rate_limited"
        assert e.retry_after >= 1
    time.sleep(2.1)  # the bucket refills
    waits = []

    def sleep(seconds):
        waits.append(seconds)
        time.sleep(seconds)

    patient = AnalyticsClient(BASE, FREE, max_retries=5, sleep=sleep)
    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(lambda _: patient.summary(), range(30)))
    assert len(answers) == 30
    assert waits, "some calls waited"
    assert all(w >= 1 for w in waits)


def test_the_rate_limit_header_is_parsed_as_sent():
    assert parse_rate_limit('"daily";r=50;t=30', '"daily";q=1000;w=86400') == Usage("daily", 50, 30,
                                                                                     '"daily";q=1000;w=86400')
    assert parse_rate_limit(None, None) is None
    # several members: the tightest one, never a mix of two
    assert parse_rate_limit('"rate";r=4;t=1, "daily";r=900;t=80000', None) == Usage("rate", 4, 1, "")


def test_a_redirect_is_never_followed_and_the_key_does_not_go_to_another_origin():
    import http.server
    import threading

    collected = []

    class Other(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            collected.append(self.headers.get("X-API-Key"))
            body = b'{"events":0,"distinct_users":0,"value_sum":0,"by_type":{}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    other = http.server.HTTPServer(("127.0.0.1", 0), Other)

    class Moved(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(302)
            self.send_header("Location", f"http://localhost:{other.server_port}/collect{self.path}")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    moved = http.server.HTTPServer(("127.0.0.1", 0), Moved)
    for server in (other, moved):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(ApiProblem) as refused:
            AnalyticsClient(f"http://127.0.0.1:{moved.server_port}", PRO).summary()
        assert refused.value.status == 302
        assert collected == []
    finally:
        moved.shutdown()
        other.shutdown()
