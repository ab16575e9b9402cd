#!/usr/bin/env python3
"""The dashboard for all instances, end to end (issue 14): two `piloto serve` instances on one real
`redis-server`; requests sent to each; the dashboard of either shows both instances and the sum.

    python3 tools/dashboard_cluster_check.py [--piloto PATH] [--redis-server PATH]

Checks, each printed with its figures:
  instances  A's and B's `/api/dashboard/metrics` list 2 instances (`instances.count`, one row
             each, `instances.source` = redis).
  merged     `/assets` (only this check requests it) shows N_A + N_B requests on both instances'
             dashboards, and the rows' requests add up to `requests.total`.
Bounded: each wait polls for at most 30 s (instances publish every 5 s).
Exit status 0 when every check passed, 1 when one failed, 2 for setup problems.
"""

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cluster_check import (  # noqa: E402
    DOMAIN, FAILURES, ORIGIN, Instance, check, cluster_parser, cluster_setup, http, login, write_site)

N_A, N_B = 37, 23


def with_dashboard(config: Path) -> Path:
    text = config.read_text().replace(
        "  - path: /assets\n",
        "  - path: /api/dashboard\n    handler: dashboard\n    auth: required\n  - path: /assets\n", 1)
    out = config.with_name("dashboard-cluster.yaml")
    out.write_text(text)
    return out


def metrics(instance: Instance, cookie: str) -> dict | None:
    status, _, body, _ = http(instance.base + "/api/dashboard/metrics", headers={"Cookie": cookie})
    return json.loads(body) if status == 200 else None


def assets_requests(doc: dict) -> int:
    return sum(r["requests"] for r in doc["routes"] if r["route"] == "/assets")


def wait_for(instance: Instance, cookie: str, ok, seconds: float = 30):
    deadline, doc = time.time() + seconds, None
    while time.time() < deadline:
        doc = metrics(instance, cookie)
        if doc is not None and ok(doc):
            return doc, True
        time.sleep(0.5)
    return doc, False


def main(argv=None) -> int:
    args = cluster_parser(__doc__).parse_args(argv)
    setup = cluster_setup(args, "piloto-dashboard-cluster-")
    if setup is None:
        return 2
    folder, redis = setup
    instances = []
    try:
        redis.start()
        config = with_dashboard(write_site(folder, "cluster", redis.url))
        instances = [Instance(args.piloto, config, name, folder) for name in ("A", "B")]
        a, b = instances
        cookie = login(a, "ana")
        for instance, count in ((a, N_A), (b, N_B)):
            for _ in range(count):
                status, _, _, _ = http(instance.base + "/assets/app.js", headers={"Host": DOMAIN, "Origin": ORIGIN})
                if status != 200:
                    raise AssertionError(f"/assets/app.js on {instance.name} answered {status}")
        for instance in instances:
            doc, ok = wait_for(instance, cookie, lambda d: d["instances"]["count"] == 2
                               and assets_requests(d) == N_A + N_B)
            rows = doc["instances"]["rows"] if doc else []
            check("instances", ok and len(rows) == 2 and doc["instances"]["source"] == "redis",
                  f"{instance.name}: count {doc and doc['instances']['count']}, rows {[r['instance'] for r in rows]}")
            check("merged", ok, f"{instance.name}: /assets requests {doc and assets_requests(doc)} "
                                f"(sent {N_A} to A + {N_B} to B = {N_A + N_B})")
            if doc:
                total = sum(r["requests"] for r in rows)
                check("merged", total == doc["requests"]["total"],
                      f"{instance.name}: rows add up to {total} = requests.total {doc['requests']['total']}")
    except Exception as error:  # noqa: BLE001 - report and fail
        check("setup", False, f"{type(error).__name__}: {error}")
    finally:
        for inst in instances:
            inst.stop()
        redis.stop()
    print(f"{'FAILED' if FAILURES else 'OK'}: {len(FAILURES)} failure(s)", flush=True)
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
