#!/usr/bin/env python3
"""Creates flags through the REST API, one POST after another on one keep-alive connection, in
the mix of bench/wrk/run, and prints how long they took. For projects of 10,000 and 100,000
flags (issue 21). Usage: seed_flags.py PORT PERSONAL_API_KEY COUNT [FIRST_INDEX]"""
import http.client, json, sys, time

def filters(i):
    rollout = 10 + (i * 7) % 90
    kind = i % 5
    if kind == 0:
        return {"groups": [{"properties": [], "rollout_percentage": rollout}]}
    if kind == 1:
        return {"groups": [{"properties": [{"key": "email", "value": "@posthog.com", "operator": "icontains", "type": "person"}], "rollout_percentage": 100},
                           {"properties": [], "rollout_percentage": rollout}]}
    if kind == 2:
        return {"groups": [{"properties": [{"key": "email", "value": "^user[0-9]+@example\\.com$", "operator": "regex", "type": "person"},
                                           {"key": "plan", "value": ["pro", "enterprise"], "operator": "exact", "type": "person"}], "rollout_percentage": rollout}]}
    if kind == 3:
        return {"groups": [{"properties": [{"key": "country", "value": ["DE", "FR", "GB"], "operator": "exact", "type": "person"}], "rollout_percentage": rollout}],
                "multivariate": {"variants": [{"key": "control", "rollout_percentage": 50}, {"key": "test", "rollout_percentage": 30}, {"key": "other", "rollout_percentage": 20}]},
                "payloads": {"test": "{\"color\":\"blue\"}"}}
    return {"groups": [{"properties": [{"key": "app_version", "value": "2.5.0", "operator": "semver_gte", "type": "person"},
                                       {"key": "age", "value": "30", "operator": "gt", "type": "person"}], "rollout_percentage": rollout}]}

def main():
    port, key, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    first = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    conn = http.client.HTTPConnection("127.0.0.1", port)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    start = last = time.monotonic()
    for i in range(first, first + count):
        body = json.dumps({"key": f"bench-flag-{i}", "name": f"Bench flag {i}", "filters": filters(i),
                           "_should_create_usage_dashboard": False})
        conn.request("POST", "/api/projects/@current/feature_flags/", body, headers)
        answer = conn.getresponse()
        answer.read()
        if answer.status != 201:
            sys.exit(f"flag {i}: HTTP {answer.status}")
        done = i - first + 1
        if done % 10000 == 0:
            now = time.monotonic()
            print(f"{done} flags: {now - start:.1f} s ({(now - last) * 1000 / 10000:.2f} ms per create for the last 10,000)", flush=True)
            last = now
    print(f"{count} flags created in {time.monotonic() - start:.1f} s")

main()
