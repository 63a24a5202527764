#!/usr/bin/env bash
# Checks the monitoring files offline (CI runs it): Prometheus's configuration and alert rules, the rules' unit tests,
# and every expression of the Grafana dashboards (each is loaded as a recording rule, so promtool parses it).
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v promtool > /dev/null || { echo "promtool is missing (apt-get install prometheus)" >&2; exit 1; }
promtool check config deploy/prometheus/prometheus.yml
promtool test rules deploy/prometheus/alerts.test.yml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$tmp/dashboards.rules.yml" deploy/grafana/dashboards/*.json << 'PY'
import json, sys
out, files = sys.argv[1], sys.argv[2:]
rules = []
for path in files:
    for panel in json.load(open(path))["panels"]:
        for target in panel.get("targets", []):
            rules.append({"record": f"dashboard:check_{len(rules)}", "expr": target["expr"]})
# JSON is YAML: promtool reads this file as a rule file.
json.dump({"groups": [{"name": "dashboard-expressions", "rules": rules}]}, open(out, "w"))
print(f"{len(rules)} dashboard expressions from {len(files)} dashboards")
PY
promtool check rules "$tmp/dashboards.rules.yml"
