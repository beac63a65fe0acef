#!/usr/bin/env python3
"""Issue 18: how long a change made through one server takes to be served by another on the same
PostgreSQL database. For each of COUNT changes it PATCHes a flag's rollout through server A and,
from the moment A answers, asks server B's /flags (for that flag only) without pause until B
serves that version.
Prints p50, p90, p99 and the worst in milliseconds.
Usage: propagation.py PORT_A PORT_B PERSONAL_API_KEY PROJECT_TOKEN FLAG_ID [COUNT]"""
import http.client, json, statistics, sys, time


def main():
    port_a, port_b, key, token, flag_id = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
    count = int(sys.argv[6]) if len(sys.argv) > 6 else 200
    a = http.client.HTTPConnection("127.0.0.1", port_a)
    b = http.client.HTTPConnection("127.0.0.1", port_b)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    path = f"/api/projects/@current/feature_flags/{flag_id}/"
    flag_key = None
    delays, polls = [], []
    for i in range(count):
        body = json.dumps({"filters": {"groups": [{"properties": [], "rollout_percentage": i % 100}]}})
        a.request("PATCH", path, body, headers)
        reply = a.getresponse()
        answer = json.loads(reply.read())
        answered = time.monotonic()
        if reply.status != 200:
            sys.exit(f"PATCH answered {reply.status}: {answer}")
        version, flag_key = answer["version"], answer["key"]
        # Only the changed flag, so that the time measured is the change's journey rather than
        # the evaluation of every flag of a large project.
        ask = json.dumps({"token": token, "distinct_id": "propagation", "flag_keys_to_evaluate": [flag_key]})
        tries = 0
        while True:
            tries += 1
            b.request("POST", "/flags?v=2", ask, {"Content-Type": "application/json"})
            served = json.loads(b.getresponse().read())
            flag = served.get("flags", {}).get(flag_key)
            if flag and flag["metadata"]["version"] >= version:
                break
            if time.monotonic() - answered > 10:
                sys.exit(f"change {i} (version {version}) not served by B after 10 s")
        delays.append((time.monotonic() - answered) * 1000)
        polls.append(tries)
    delays.sort()
    pick = lambda q: delays[min(len(delays) - 1, int(q * len(delays)))]
    print(f"{count} changes: PATCH answered on A -> first /flags on B with it: "
          f"p50 {pick(0.50):.2f} ms, p90 {pick(0.90):.2f} ms, p99 {pick(0.99):.2f} ms, "
          f"max {delays[-1]:.2f} ms (mean {statistics.mean(delays):.2f} ms; "
          f"/flags asks of B per change: median {statistics.median(polls):.0f}, max {max(polls)})")


if __name__ == "__main__":
    main()
