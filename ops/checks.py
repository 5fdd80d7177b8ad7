#!/usr/bin/env python3
"""Checks on kd-stream's ops files that promtool and docker-compose cannot make, and the panel query list.

Usage: python3 ops/checks.py COMMAND, from any directory. Each check prints its problems to stderr and
exits 1 when it found any; ops/check.sh runs them all.

  dashboards      every dashboard has a uid and title; every panel an id, a title and Prometheus targets
                  with a refId and a non-empty expression
  metric-names    every kd_ metric named by a panel or an alert is in docs/METRICS.md
  runbooks        every alert has a severity, a summary, a description and a runbook anchor that exists
                  in docs/OPERATIONS.md
  alert-tests     every alert has a test case where it fires and one where it stays quiet
  modules         the Dockerfile builds on the base image ops/images/build.sh makes
  panel-rules     prints every panel query as a recording rule, for `promtool check rules` to parse
  panel-queries   prints dashboard<TAB>panel title<TAB>expr for every panel query, as plain PromQL
"""
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD_DIR = ROOT / "ops" / "grafana" / "dashboards"
ALERTS = ROOT / "ops" / "prometheus" / "alerts.yml"
ALERT_TESTS = ROOT / "ops" / "prometheus" / "alerts_test.yml"
CATALOGUE = ROOT / "docs" / "METRICS.md"
OPERATIONS = ROOT / "docs" / "OPERATIONS.md"
DOCKERFILE = ROOT / "Dockerfile"
IMAGE_BUILD = ROOT / "ops" / "images" / "build.sh"
ROOT_POM = ROOT / "pom.xml"

# What Grafana substitutes before a query reaches Prometheus. The integration test runs the listed
# queries straight against Prometheus, so they carry the value Grafana would pick at a 1-minute step.
GRAFANA_VARIABLES = {"$__rate_interval": "1m"}
# Panels query the Prometheus of the dashboard's `datasource` variable, whose value the import dialog fills
# from the DS_PROMETHEUS input: that is what makes a dashboard importable into any Grafana.
PROMETHEUS_DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
DATASOURCE_INPUT = "DS_PROMETHEUS"
SEVERITIES = {"critical", "warning"}

# Series a Micrometer meter exposes in Prometheus, by the type the catalogue gives it.
SUFFIXES = {
    "counter": [""],
    "gauge": [""],
    "timer (histogram)": ["_bucket", "_count", "_sum", "_max"],
    "distribution summary": ["_bucket", "_count", "_sum", "_max"],
}


def load_yaml(path):
    try:
        import yaml
    except ImportError:
        sys.exit("PyYAML is missing: apt-get install python3-yaml")
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def dashboards():
    """(file stem, dashboard) for every dashboard JSON, in name order."""
    return [(p.stem, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(DASHBOARD_DIR.glob("*.json"))]


def query_panels(dashboard):
    return [p for p in dashboard.get("panels", []) if p.get("type") != "row"]


def alert_rules():
    return [rule for group in load_yaml(ALERTS)["groups"] for rule in group["rules"] if "alert" in rule]


def panel_queries():
    """(dashboard, panel, target) for every query of every panel."""
    return [(name, panel, target) for name, dash in dashboards()
            for panel in query_panels(dash) for target in panel.get("targets", [])]


def plain_promql(expr):
    """The expression with Grafana's variables replaced, on one line."""
    for variable, value in GRAFANA_VARIABLES.items():
        expr = expr.replace(variable, value)
    return " ".join(expr.split())


# ---------------------------------------------------------------------------------------------- checks

def import_problems(dash):
    """Why a dashboard would not import into a Grafana whose Prometheus has another uid, or nothing."""
    problems = []
    inputs = [i for i in dash.get("__inputs", []) if i.get("type") == "datasource" and i.get("pluginId") == "prometheus"]
    if [i.get("name") for i in inputs] != [DATASOURCE_INPUT]:
        problems.append(f"__inputs must declare one Prometheus datasource input {DATASOURCE_INPUT}, found {dash.get('__inputs')}")
    variables = [v for v in dash.get("templating", {}).get("list", []) if v.get("name") == "datasource"]
    if len(variables) != 1 or variables[0].get("type") != "datasource" or variables[0].get("query") != "prometheus":
        problems.append("templating needs one variable 'datasource' of type datasource over prometheus")
    elif variables[0].get("current", {}).get("value") != "${" + DATASOURCE_INPUT + "}":
        problems.append(f"the datasource variable must default to ${{{DATASOURCE_INPUT}}}, the import input")
    for annotation in dash.get("annotations", {}).get("list", []):
        source = annotation.get("datasource", {})
        if source.get("type") == "prometheus" and source != PROMETHEUS_DATASOURCE:
            problems.append(f"annotation {annotation.get('name')!r} queries {source}, not {PROMETHEUS_DATASOURCE}")
    return problems


def check_dashboards():
    problems, uids = [], {}
    for name, dash in dashboards():
        for key in ("uid", "title", "schemaVersion"):
            if not dash.get(key):
                problems.append(f"{name}: no {key}")
        if dash.get("uid") in uids:
            problems.append(f"{name}: uid {dash['uid']} also used by {uids[dash['uid']]}")
        uids[dash.get("uid")] = name
        problems.extend(f"{name}: {problem}" for problem in import_problems(dash))
        ids = [p.get("id") for p in dash.get("panels", [])]
        if len(ids) != len(set(ids)) or not all(isinstance(i, int) for i in ids):
            problems.append(f"{name}: panel ids must be unique integers, found {ids}")
        for panel in query_panels(dash):
            where = f"{name}: panel {panel.get('id')} ({panel.get('title')!r})"
            if not panel.get("title"):
                problems.append(f"{where}: no title")
            if panel.get("datasource") != PROMETHEUS_DATASOURCE:
                problems.append(f"{where}: datasource is {panel.get('datasource')}, not {PROMETHEUS_DATASOURCE}")
            if not panel.get("targets"):
                problems.append(f"{where}: no targets")
            ref_ids = [t.get("refId") for t in panel.get("targets", [])]
            if len(ref_ids) != len(set(ref_ids)) or not all(ref_ids):
                problems.append(f"{where}: refIds must be present and unique, found {ref_ids}")
            for target in panel.get("targets", []):
                if not str(target.get("expr", "")).strip():
                    problems.append(f"{where}: target {target.get('refId')} has no expr")
                leftover = re.findall(r"\$\w+", plain_promql(target.get("expr", "")))
                if leftover:
                    problems.append(f"{where}: variables {leftover} have no value for plain PromQL")
    return problems


def catalogue():
    """Every Prometheus series name docs/METRICS.md allows, from its `kd_...` table rows and types."""
    allowed = set()
    row = re.compile(r"^\|\s*`(kd_[a-z0-9_]+)`\s*\|\s*([^|]+?)\s*\|")
    for line in CATALOGUE.read_text(encoding="utf-8").splitlines():
        match = row.match(line)
        if match:
            name, kind = match.groups()
            allowed.update(name + suffix for suffix in SUFFIXES.get(kind, [""]))
    return allowed


def metric_names(expr):
    without_strings = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    return set(re.findall(r"\bkd_[a-zA-Z0-9_]+", without_strings))


def check_metric_names():
    allowed = catalogue()
    if not allowed:
        return [f"no kd_ metrics found in {CATALOGUE.relative_to(ROOT)}"]
    uses = [(f"dashboard {name}, panel {panel['id']} ({panel['title']!r})", target["expr"])
            for name, panel, target in panel_queries()]
    uses += [(f"alert {rule['alert']}", rule["expr"]) for rule in alert_rules()]
    return [f"{where}: {metric} is not in docs/METRICS.md"
            for where, expr in uses for metric in sorted(metric_names(expr) - allowed)]


def heading_anchors(markdown):
    """GitHub's anchors for the headings of a markdown text."""
    anchors = set()
    for line in markdown.splitlines():
        match = re.match(r"^#{1,6}\s+(.+?)\s*#*\s*$", line)
        if match:
            text = re.sub(r"[^\w\- ]", "", match.group(1).strip().lower())
            anchors.add(text.replace(" ", "-"))
    return anchors


def check_runbooks():
    problems = []
    anchors = heading_anchors(OPERATIONS.read_text(encoding="utf-8")) if OPERATIONS.exists() else set()
    for rule in alert_rules():
        name, annotations = rule["alert"], rule.get("annotations", {})
        if rule.get("labels", {}).get("severity") not in SEVERITIES:
            problems.append(f"{name}: severity label must be one of {sorted(SEVERITIES)}")
        for key in ("summary", "description", "runbook_url"):
            if not annotations.get(key):
                problems.append(f"{name}: no {key} annotation")
        page, _, anchor = annotations.get("runbook_url", "").partition("#")
        if page != "docs/OPERATIONS.md" or anchor not in anchors:
            problems.append(f"{name}: runbook_url {annotations.get('runbook_url')!r} is not a heading of docs/OPERATIONS.md")
    return problems


def check_alert_tests():
    names = {rule["alert"] for rule in alert_rules()}
    fires, quiet = set(), set()
    for test in load_yaml(ALERT_TESTS)["tests"]:
        for case in test.get("alert_rule_test", []):
            (fires if case.get("exp_alerts") else quiet).add(case["alertname"])
    problems = [f"{name}: no test case where it fires" for name in sorted(names - fires)]
    problems += [f"{name}: no test case where it stays quiet" for name in sorted(names - quiet)]
    problems += [f"{name}: tested but not an alert in alerts.yml" for name in sorted((fires | quiet) - names)]
    return problems


def check_modules():
    # The jar is built outside Docker now (no container reaches Maven Central), so what can drift is the base:
    # the Dockerfile's default must be the image the build script makes.
    built = re.search(r"^base_image=(\S+)", IMAGE_BUILD.read_text(encoding="utf-8"), re.M)
    default = re.search(r"^ARG BASE=(\S+)", DOCKERFILE.read_text(encoding="utf-8"), re.M)
    if not built or not default:
        return ["cannot find base_image= in ops/images/build.sh or ARG BASE= in the Dockerfile"]
    if built.group(1) != default.group(1):
        return [f"Dockerfile builds on {default.group(1)} but ops/images/build.sh makes {built.group(1)}"]
    return []


# ---------------------------------------------------------------------------------------------- listings

def print_panel_rules():
    rules = [{"record": f"panel:{name}:{panel['id']}_{target['refId']}", "expr": plain_promql(target["expr"])}
             for name, panel, target in panel_queries()]
    print(json.dumps({"groups": [{"name": "panel-queries", "rules": rules}]}, indent=2))
    return []


def print_panel_queries():
    for name, panel, target in panel_queries():
        print(f"{name}\t{' '.join(panel['title'].split())}\t{plain_promql(target['expr'])}")
    return []


COMMANDS = {
    "dashboards": check_dashboards,
    "metric-names": check_metric_names,
    "runbooks": check_runbooks,
    "alert-tests": check_alert_tests,
    "modules": check_modules,
    "panel-rules": print_panel_rules,
    "panel-queries": print_panel_queries,
}


def main(argv):
    if len(argv) != 2 or argv[1] not in COMMANDS:
        sys.exit(__doc__)
    problems = COMMANDS[argv[1]]()
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
