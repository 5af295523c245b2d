"""Creates N customers on the enterprise plan, one key each, through the management API of a running
example (operator key in argv); prints one secret per line. Usage: customers.py PORT ADMIN_KEY N"""
import json
import sys
import time
import urllib.error
import urllib.request


def call(port, key, path, body):
    """POSTs body; waits out a 429 (the management API limits its callers too) as Retry-After says."""
    while True:
        req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req) as r:
                return json.load(r)
        except urllib.error.HTTPError as e:
            if e.code != 429:
                raise
            time.sleep(float(e.headers.get("Retry-After", "1")))


def main():
    port, admin, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for i in range(n):
        org = call(port, admin, "/monetize/organizations", {"name": f"scale customer {i}", "plan": "enterprise"})
        key = call(port, admin, "/monetize/keys", {"organization_id": org["id"], "scopes": ["*"]})
        print(org["id"], key["secret"])


if __name__ == "__main__":
    main()
