#!/usr/bin/env python3
"""Generates the kd-stream Grafana dashboards (pipeline, quality, serving) as provisioning JSON.

The dashboards are code: change the panel lists below, run `python3 ops/grafana/dashboards.py`, and commit
the JSON it writes to ops/grafana/dashboards/. With `--check` it writes nothing and fails when a committed
file differs from what it would write, or when a threshold line drawn here no longer matches its alert in
ops/prometheus/alerts.yml (ops/check.sh runs it).

Queries use only metrics from docs/METRICS.md and no label that exists in one deployment only (no job or
service-specific instance), so every one of them answers both in docker-compose and against `kd demo`;
ops/list-panel-queries.sh lists them for the integration test that checks exactly that. Series that exist
only once something went wrong (dead letters, unmatched predictions) fall back to an explicit zero, so
a healthy system shows a flat line instead of "No data".
"""
import argparse
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT_DIR = HERE / "dashboards"
ALERTS_FILE = HERE.parent / "prometheus" / "alerts.yml"

# Panels query the Prometheus the `datasource` variable picks, so the dashboards import into any Grafana: the
# import dialog asks for DS_PROMETHEUS (`__inputs`), and provisioning falls back to the default Prometheus.
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
DATASOURCE_INPUT = "DS_PROMETHEUS"
RATE = "$__rate_interval"
# Windows for rare observations (one freshness sample per swap) and for the stat panels' ratios.
SLOW = "5m"

# Alert thresholds drawn on the panels, with the alert whose expression must contain the same number.
AGREEMENT_FLOOR = (0.85, "KdAgreementLow")
KL_CEILING = (0.5, "KdKlHigh")
CLASS_AGREEMENT_FLOOR = (0.6, "KdClassAgreementLow")
PSI_CEILING = (0.25, "KdTrafficDrift")
INPUT_PSI_CEILING = (0.25, "KdInputDrift")
CHECKPOINT_AGE_LIMIT = (600, "KdCheckpointStale")
LAG_LIMIT = (1000, "KdTrainerLagGrowing")
ERROR_RATIO_LIMIT = (0.05, "KdGatewayErrors")
THRESHOLDS = [AGREEMENT_FLOOR, KL_CEILING, CLASS_AGREEMENT_FLOOR, PSI_CEILING, INPUT_PSI_CEILING, CHECKPOINT_AGE_LIMIT, LAG_LIMIT, ERROR_RATIO_LIMIT]

GREEN, ORANGE, RED, BLUE = "green", "orange", "red", "blue"


# ---------------------------------------------------------------------------------------------- queries

def rate(metric, window=RATE):
    return f"rate({metric}[{window}])"


def quantile(q, bucket_metric, by="", window=RATE):
    """histogram_quantile over the buckets of a Micrometer timer, keeping the labels in `by`."""
    labels = ", ".join(["le"] + ([by] if by else []))
    return f"histogram_quantile({q}, sum by ({labels}) ({rate(bucket_metric, window)}))"


def mean(summary, window=RATE):
    """Mean observation of a Micrometer timer or distribution summary over the window."""
    return f"sum({rate(summary + '_sum', window)}) / sum({rate(summary + '_count', window)})"


def or_zero(expr, **labels):
    """The expression, or a single zero series carrying `labels` when the expression has no series."""
    zero = "vector(0)"
    for name, value in labels.items():
        zero = f'label_replace({zero}, "{name}", "{value}", "", "")'
    return f"{expr} or on () {zero}"


# ---------------------------------------------------------------------------------------------- panels

def steps(base, *rest):
    """Grafana threshold steps: a base colour, then (value, colour) pairs in increasing order."""
    return [{"color": base, "value": None}] + [{"color": c, "value": v} for v, c in rest]


def high_is_bad(limit, warn=None):
    return steps(GREEN, *([(warn, ORANGE)] if warn is not None else []), (limit[0], RED))


def low_is_bad(limit):
    return steps(RED, (limit[0], GREEN))


def targets(queries):
    return [
        {"datasource": DATASOURCE, "refId": chr(ord("A") + i), "expr": expr, "legendFormat": legend,
         "range": True, "instant": False}
        for i, (expr, legend) in enumerate(queries)
    ]


def timeseries(pid, title, description, queries, unit, *, thresholds=None, min_value=0, max_value=None):
    """A time series panel; `thresholds` (from high_is_bad/low_is_bad) are drawn as dashed lines."""
    defaults = {
        "unit": unit,
        "min": min_value,
        "color": {"mode": "palette-classic"},
        "custom": {
            "drawStyle": "line", "lineWidth": 1, "fillOpacity": 10, "showPoints": "never",
            "spanNulls": False,
            "thresholdsStyle": {"mode": "dashed" if thresholds else "off"},
        },
        "thresholds": {"mode": "absolute", "steps": thresholds or steps(GREEN)},
    }
    if max_value is not None:
        defaults["max"] = max_value
    return {
        "id": pid, "type": "timeseries", "title": title, "description": description,
        "datasource": DATASOURCE, "targets": targets(queries),
        "fieldConfig": {"defaults": defaults, "overrides": []},
        "options": {
            "legend": {"displayMode": "list", "placement": "bottom", "showLegend": True},
            "tooltip": {"mode": "multi", "sort": "desc"},
        },
    }


def stat(pid, title, description, expr, unit, *, thresholds=None, decimals=None):
    """A single-value panel showing the last value, coloured by its thresholds."""
    defaults = {
        "unit": unit,
        "color": {"mode": "thresholds"},
        "thresholds": {"mode": "absolute", "steps": thresholds or steps(BLUE)},
    }
    if decimals is not None:
        defaults["decimals"] = decimals
    return {
        "id": pid, "type": "stat", "title": title, "description": description,
        "datasource": DATASOURCE, "targets": targets([(expr, title)]),
        "fieldConfig": {"defaults": defaults, "overrides": []},
        "options": {
            "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
            "colorMode": "value", "graphMode": "area", "justifyMode": "auto",
            "orientation": "auto", "textMode": "auto",
        },
    }


# ---------------------------------------------------------------------------------------------- layout

HEIGHTS = {"stat": 4, "timeseries": 8}


def width(panel_type, count):
    """Stats sit six to a line; time series two to a line, or three when a row has exactly three."""
    if panel_type == "stat":
        return 4
    return {1: 24, 3: 8}.get(count, 12)


def dashboard(uid, title, description, rows):
    """rows: (row id, row title, panels). Panels flow left to right, wrapping at Grafana's 24 columns."""
    panels, y = [], 0
    for row_id, row_title, row_panels in rows:
        panels.append({"id": row_id, "type": "row", "title": row_title, "collapsed": False, "panels": [],
                       "gridPos": {"x": 0, "y": y, "w": 24, "h": 1}})
        y += 1
        x, row_height = 0, 0
        for panel in row_panels:
            w, h = width(panel["type"], len(row_panels)), HEIGHTS[panel["type"]]
            if x + w > 24:
                x, y, row_height = 0, y + row_height, 0
            panel["gridPos"] = {"x": x, "y": y, "w": w, "h": h}
            x, row_height = x + w, max(row_height, h)
        y += row_height
        panels.extend(row_panels)
    ids = [p["id"] for p in panels]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{uid}: panel ids repeat: {sorted(ids)}")
    return {
        "id": None, "uid": uid, "title": title, "description": description,
        "tags": ["kd-stream"], "timezone": "browser", "editable": False, "graphTooltip": 1,
        "schemaVersion": 39, "version": 1, "refresh": "10s",
        "time": {"from": "now-30m", "to": "now"},
        "timepicker": {"refresh_intervals": ["5s", "10s", "30s", "1m", "5m"]},
        "__inputs": [{"name": DATASOURCE_INPUT, "label": "Prometheus", "type": "datasource", "pluginId": "prometheus",
                       "pluginName": "Prometheus", "description": "The Prometheus that scrapes kd-stream's services"}],
        "__requires": [{"type": "grafana", "id": "grafana", "name": "Grafana", "version": "10.0.0"},
                       {"type": "datasource", "id": "prometheus", "name": "Prometheus", "version": "1.0.0"},
                       {"type": "panel", "id": "stat", "name": "Stat", "version": ""},
                       {"type": "panel", "id": "timeseries", "name": "Time series", "version": ""}],
        "templating": {"list": [
            {"name": "datasource", "label": "Prometheus", "type": "datasource", "query": "prometheus",
             "current": {"text": "${" + DATASOURCE_INPUT + "}", "value": "${" + DATASOURCE_INPUT + "}"},
             "hide": 0, "includeAll": False, "multi": False, "refresh": 1, "regex": "", "options": []},
        ]},
        "annotations": {"list": [
            {"builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"}, "enable": True,
             "hide": True, "iconColor": "rgba(0, 211, 255, 1)", "name": "Annotations & Alerts",
             "type": "dashboard"},
            {"datasource": DATASOURCE, "enable": True, "hide": False, "iconColor": "red",
             "name": "kd-stream alerts", "expr": 'ALERTS{alertstate="firing", alertname=~"Kd.+"}',
             "step": "1m", "titleFormat": "{{alertname}}", "textFormat": "{{severity}}",
             "tagKeys": "severity", "useValueForTime": False},
        ]},
        "links": [{"type": "dashboards", "tags": ["kd-stream"], "title": "kd-stream", "asDropdown": False,
                   "includeVars": False, "keepTime": True, "targetBlank": False}],
        "panels": panels,
    }


# ---------------------------------------------------------------------------------------------- dashboards

LABELS = "kd_teacher_labels_total"
SAMPLES = "kd_trainer_samples_total"
PREDICTIONS_SENT = 'kd_gateway_predictions_total{outcome="sent"}'
LAG_BY_SERVICE = "sum by (service, topic) (kd_consumer_lag_records)"
DEAD_LETTERS = "kd_dead_letters_total"
FRESHNESS = "kd_monitor_freshness_seconds_bucket"
REQUESTS = "kd_gateway_request_seconds_count"
SERVER_ERRORS = 'kd_gateway_request_seconds_count{outcome=~"server_error|unavailable"}'


def pipeline():
    return dashboard("kd-pipeline", "kd-stream / Pipeline",
                     "Is the loop moving? Throughput of each stage, consumer lag, freshness, dead letters.", [
        (100, "At a glance", [
            stat(1, "Soft labels / s", "Soft labels the teacher publishes to kd-soft-labels.",
                 f"sum({rate(LABELS)})", "recps"),
            stat(2, "Trained samples / s", "Examples the student trainer takes optimizer steps on.",
                 f"sum({rate(SAMPLES)})", "recps"),
            stat(3, "Predictions / s", "Predictions the gateway publishes to kd-predictions.",
                 f"sum({rate(PREDICTIONS_SENT)})", "recps"),
            stat(4, "Freshness p50", "Median time from a traffic event to the serving of a checkpoint "
                 "trained on it, over 5 minutes.", quantile(0.5, FRESHNESS, window=SLOW), "s"),
            stat(5, "Largest consumer lag", "The most records any service is behind on any input topic.",
                 f"max({LAG_BY_SERVICE})", "short", thresholds=high_is_bad(LAG_LIMIT)),
            stat(6, "Dead letters (1 h)", "Records any service sent to kd-dead-letters in the last hour.",
                 or_zero(f"sum(increase({DEAD_LETTERS}[1h]))"), "short",
                 thresholds=steps(GREEN, (1, ORANGE)), decimals=0),
        ]),
        (200, "Throughput and lag", [
            timeseries(7, "Throughput by stage", "Soft labels per teacher, trained samples per model and "
                       "mode, predictions published.", [
                (f"sum by (teacher) ({rate(LABELS)})", "labels {{teacher}}"),
                (f"sum by (model, mode) ({rate(SAMPLES)})", "trained {{model}} ({{mode}})"),
                (f"sum({rate(PREDICTIONS_SENT)})", "predictions"),
            ], "recps"),
            timeseries(8, "Consumer lag by service", "Records behind the end of each input topic, per "
                       "consuming service. The dashed line is the KdTrainerLagGrowing floor.", [
                (LAG_BY_SERVICE, "{{service}} on {{topic}}"),
            ], "short", thresholds=high_is_bad(LAG_LIMIT)),
        ]),
        (300, "Freshness and checkpoints", [
            timeseries(9, "Freshness: traffic event to serving checkpoint", "How old the newest traffic "
                       "behind the served model is, from the monitor's histogram over 5 minutes.", [
                (quantile(0.5, FRESHNESS, window=SLOW), "p50"),
                (quantile(0.99, FRESHNESS, window=SLOW), "p99"),
            ], "s"),
            timeseries(10, "Checkpoint versions: published and served", "Newest version the trainer "
                       "published against the newest one any gateway serves. A widening gap means "
                       "swaps are refused or slow.", [
                ("max by (model) (kd_trainer_checkpoint_version)", "published {{model}}"),
                ("max(kd_gateway_model_version)", "served"),
            ], "none"),
            timeseries(11, "Checkpoint publications", "Checkpoints published or failed per minute.", [
                (f"sum by (model, outcome) ({rate('kd_trainer_checkpoints_total')}) * 60",
                 "{{model}} {{outcome}}"),
            ], "cpm"),
            timeseries(12, "Distillation loss", "Moving mean of the trainer's distillation loss.", [
                ("max by (model) (kd_trainer_loss)", "{{model}}"),
            ], "none"),
        ]),
        (400, "Stage latency", [
            timeseries(13, "Teacher inference latency", "One batched teacher call.", [
                (quantile(0.5, "kd_teacher_inference_seconds_bucket"), "p50"),
                (quantile(0.99, "kd_teacher_inference_seconds_bucket"), "p99"),
            ], "s"),
            timeseries(14, "Teacher batch size", "Examples per teacher call: mean over the interval, "
                       "and the largest recent batch.", [
                (mean("kd_teacher_batch_size"), "mean"),
                ("max(kd_teacher_batch_size_max)", "max"),
            ], "short"),
            timeseries(15, "Trainer step time", "One optimizer step of the student.", [
                (quantile(0.5, "kd_trainer_step_seconds_bucket"), "p50"),
                (quantile(0.99, "kd_trainer_step_seconds_bucket"), "p99"),
            ], "s"),
        ]),
        (500, "Bad records", [
            timeseries(16, "Dead letters by service and reason", "Records sent to kd-dead-letters per "
                       "second. A flat zero (\"all: none\") means there are none.", [
                (or_zero(f"sum by (service, reason) ({rate(DEAD_LETTERS)})", service="all", reason="none"),
                 "{{service}}: {{reason}}"),
            ], "recps"),
            timeseries(17, "Teacher outputs refused as not finite", "Teacher outputs containing NaN or "
                       "infinity, dropped instead of published.", [
                (or_zero(f"sum by (teacher) ({rate('kd_teacher_nonfinite_total')})", teacher="all"),
                 "{{teacher}}"),
            ], "recps"),
        ]),
    ])


def quality():
    matched = f"sum({rate('kd_monitor_matched_total', SLOW)})"
    unmatched = or_zero(f"sum({rate('kd_monitor_unmatched_total', SLOW)})")
    return dashboard("kd-quality", "kd-stream / Distillation quality",
                     "Does the served student still agree with the teacher, and is the traffic drifting?", [
        (100, "At a glance", [
            stat(1, "Agreement (lowest version)", "Top-1 agreement with the teacher of the model version "
                 "that agrees least, over the monitor's last window.", "min(kd_monitor_agreement_ratio)",
                 "percentunit", thresholds=low_is_bad(AGREEMENT_FLOOR)),
            stat(2, "KL (highest version)", "Mean KL(teacher || student) of the model version that "
                 "diverges most.", "max(kd_monitor_kl)", "none", thresholds=high_is_bad(KL_CEILING),
                 decimals=3),
            stat(3, "Traffic drift (PSI)", "PSI of the teacher's class mix against the reference "
                 "window: the traffic changed.", 'max(kd_monitor_drift_psi{distribution="teacher"})', "none",
                 thresholds=high_is_bad(PSI_CEILING, warn=0.1), decimals=2),
            stat(4, "Prediction drift (PSI)", "PSI of the student's class mix against the reference "
                 "window: the served model's behaviour changed.",
                 'max(kd_monitor_drift_psi{distribution="student"})', "none",
                 thresholds=high_is_bad(PSI_CEILING, warn=0.1), decimals=2),
            stat(5, "Holdout agreement (newest checkpoint)", "Agreement with the teacher on the held-out "
                 "slice of the stream, measured by the trainer before publishing.",
                 "max(kd_trainer_holdout_agreement_ratio)", "percentunit",
                 thresholds=low_is_bad(AGREEMENT_FLOOR)),
            stat(6, "Join coverage", "Share of predictions the monitor matched with a soft label over 5 "
                 "minutes. Agreement and KL are measured on this share only.",
                 f"{matched} / ({matched} + ({unmatched}))", "percentunit",
                 thresholds=steps(RED, (0.5, ORANGE), (0.9, GREEN))),
        ]),
        (200, "Teacher and student", [
            timeseries(7, "Agreement by model version", "Top-1 agreement of each student version with the "
                       "teacher. The dashed line is the KdAgreementLow floor.", [
                ("max by (model_version) (kd_monitor_agreement_ratio)", "v{{model_version}}"),
            ], "percentunit", thresholds=low_is_bad(AGREEMENT_FLOOR), max_value=1),
            timeseries(8, "KL(teacher || student) by model version", "Mean KL divergence from the "
                       "teacher's distribution to each student version. The dashed line is the KdKlHigh "
                       "ceiling.", [
                ("max by (model_version) (kd_monitor_kl)", "v{{model_version}}"),
            ], "none", thresholds=high_is_bad(KL_CEILING)),
            timeseries(9, "Accuracy against ground truth by model version", "Student accuracy where a "
                       "true label arrived on kd-ground-truth.", [
                ("max by (model_version) (kd_monitor_accuracy_ratio)", "v{{model_version}}"),
            ], "percentunit", max_value=1),
            timeseries(10, "Holdout agreement of the newest checkpoint", "What the gateway's gate sees "
                       "for each new checkpoint.", [
                ("max by (model) (kd_trainer_holdout_agreement_ratio)", "{{model}}"),
            ], "percentunit", max_value=1),
        ]),
        (300, "Drift", [
            timeseries(11, "Class-mix drift (PSI)", "Population stability index of the teacher's "
                       "(traffic) and the student's (prediction) class distribution, current window "
                       "against the reference. The dashed line is the alert ceiling.", [
                ("max by (distribution) (kd_monitor_drift_psi)", "{{distribution}}"),
            ], "none", thresholds=high_is_bad(PSI_CEILING)),
            timeseries(12, "Class-mix drift (Jensen-Shannon)", "Jensen-Shannon divergence of the same "
                       "distributions: bounded, symmetric, less sensitive to rare classes than PSI.", [
                ("max by (distribution) (kd_monitor_drift_js)", "{{distribution}}"),
            ], "none"),
            timeseries(17, "Input drift (PSI by feature)", "Population stability index of each input "
                       "feature (vector tasks: the contract's features; images: brightness, contrast, "
                       "sharpness and 4x4 block means), current window against the reference; only the most "
                       "drifted features are shown, and the largest of all. The dashed line is the "
                       "KdInputDrift ceiling.", [
                ("max(kd_monitor_input_drift_psi_max)", "largest"),
                (or_zero("max by (feature) (kd_monitor_input_drift_psi)", feature="none"), "{{feature}}"),
            ], "none", thresholds=high_is_bad(INPUT_PSI_CEILING)),
            timeseries(13, "Teacher entropy", "Mean entropy of the teacher's labels. Rising entropy: the "
                       "teacher is less sure, often because inputs left its training distribution.", [
                ("max(kd_monitor_teacher_entropy)", "entropy"),
            ], "suffix: nats"),
            timeseries(14, "Join: matched and unmatched predictions", "Predictions the monitor joined "
                       "with a soft label, and those it could not (no label in the window, or "
                       "duplicates).", [
                (f"sum({rate('kd_monitor_matched_total')})", "matched"),
                (or_zero(f"sum by (reason) ({rate('kd_monitor_unmatched_total')})", reason="none"),
                 "unmatched: {{reason}}"),
            ], "recps"),
        ]),
        (400, "Per class (bias transfer)", [
            timeseries(15, "Agreement by class", "Of the requests the teacher puts in each class, the share "
                       "the student also puts there, over the monitor's window: a student can match the "
                       "teacher on average while one class falls apart. The dashed line is the "
                       "KdClassAgreementLow floor.", [
                ("min by (class) (kd_monitor_class_agreement_ratio)", "{{class}}"),
            ], "percentunit", thresholds=low_is_bad(CLASS_AGREEMENT_FLOOR), max_value=1),
            timeseries(16, "Class frequency: teacher and student", "Share of joined requests in each class "
                       "by the teacher's and by the student's top class. A class the student answers far "
                       "less often than the teacher is the one it is losing.", [
                ("max by (class, distribution) (kd_monitor_class_frequency_ratio)", "{{distribution}}: {{class}}"),
            ], "percentunit", max_value=1),
        ]),
    ])


def serving():
    p99_ok = quantile(0.99, 'kd_gateway_request_seconds_bucket{outcome="ok"}', window=SLOW)
    return dashboard("kd-serving", "kd-stream / Serving",
                     "What clients get: request rate, errors, latency, and which checkpoint answers them.", [
        (100, "At a glance", [
            stat(1, "Version served", "Newest checkpoint version any gateway serves.",
                 "max(kd_gateway_model_version)", "none", decimals=0),
            stat(2, "Checkpoint age", "Age of the oldest checkpoint any gateway serves.",
                 "max(kd_gateway_checkpoint_age_seconds)", "s",
                 thresholds=high_is_bad(CHECKPOINT_AGE_LIMIT, warn=300)),
            stat(3, "Requests / s", "Predict requests, every outcome.", f"sum({rate(REQUESTS)})", "reqps"),
            stat(4, "5xx ratio", "Share of predict requests ending in server_error or unavailable over 5 "
                 "minutes.", f"({or_zero(f'sum({rate(SERVER_ERRORS, SLOW)})')}) / sum({rate(REQUESTS, SLOW)})",
                 "percentunit", thresholds=high_is_bad(ERROR_RATIO_LIMIT, warn=0.01)),
            stat(5, "p99 latency (ok)", "99th percentile latency of successful predict requests over 5 "
                 "minutes.", p99_ok, "s"),
            stat(6, "Swaps refused (1 h)", "Checkpoints the gateway refused in the last hour.",
                 or_zero('sum(increase(kd_gateway_swaps_total{outcome="refused"}[1h]))'), "short",
                 thresholds=steps(GREEN, (1, ORANGE)), decimals=0),
        ]),
        (200, "Requests", [
            timeseries(7, "Request rate by outcome", "Predict requests per second: ok, client_error (4xx), "
                       "server_error and unavailable (5xx).", [
                (f"sum by (outcome) ({rate(REQUESTS)})", "{{outcome}}"),
            ], "reqps"),
            timeseries(8, "Latency by outcome", "p50 and p99 of predict latency from the gateway's "
                       "histogram buckets.", [
                (quantile(0.5, "kd_gateway_request_seconds_bucket", by="outcome"), "p50 {{outcome}}"),
                (quantile(0.99, "kd_gateway_request_seconds_bucket", by="outcome"), "p99 {{outcome}}"),
            ], "s"),
            timeseries(9, "Model batch size", "Examples per model call after micro-batching: mean over "
                       "the interval, and the largest recent batch.", [
                (mean("kd_gateway_batch_size"), "mean"),
                ("max(kd_gateway_batch_size_max)", "max"),
            ], "short"),
        ]),
        (300, "Checkpoints", [
            timeseries(10, "Swap decisions", "Checkpoint decisions per minute by outcome (swapped, "
                       "refused, rolled_back, pinned) and reason.", [
                (f"sum by (outcome, reason) ({rate('kd_gateway_swaps_total')}) * 60", "{{outcome}} {{reason}}"),
            ], "cpm"),
            timeseries(11, "Version served by gateway", "Checkpoint version each gateway instance serves.", [
                ("max by (instance) (kd_gateway_model_version)", "{{instance}}"),
            ], "none"),
            timeseries(12, "Checkpoint age by gateway", "Now minus the served checkpoint's creation time. "
                       "The dashed line is the KdCheckpointStale limit.", [
                ("max by (instance) (kd_gateway_checkpoint_age_seconds)", "{{instance}}"),
            ], "s", thresholds=high_is_bad(CHECKPOINT_AGE_LIMIT)),
        ]),
        (400, "Records to Kafka", [
            timeseries(13, "Shadow copies to kd-traffic", "Sampled copies of requests sent to the teacher, "
                       "and those dropped (producer buffer full or failing).", [
                (f"sum by (outcome) ({rate('kd_gateway_shadow_total')})", "{{outcome}}"),
            ], "recps"),
            timeseries(14, "Predictions to kd-predictions", "Predictions published for the monitor, and "
                       "those dropped.", [
                (f"sum by (outcome) ({rate('kd_gateway_predictions_total')})", "{{outcome}}"),
            ], "recps"),
        ]),
    ])


DASHBOARDS = {"pipeline.json": pipeline, "quality.json": quality, "serving.json": serving}


# ---------------------------------------------------------------------------------------------- main

def render(build):
    return json.dumps(build(), indent=2, ensure_ascii=False) + "\n"


def mentions(text, number):
    """Whether the number stands in the text on its own (0.8 is not in 0.85)."""
    return re.search(rf"(?<![\d.]){re.escape(str(number))}(?![\d.])", text) is not None


def threshold_problems():
    """Alerts whose rule no longer contains the number this script draws as their threshold line."""
    text = ALERTS_FILE.read_text(encoding="utf-8")
    rules = {block.split()[0]: block for block in text.split("- alert: ")[1:]}
    return [f"{alert}: threshold {value} not found in its rule in {ALERTS_FILE.name}"
            for value, alert in THRESHOLDS if not mentions(rules.get(alert, ""), value)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a committed dashboard or threshold is out of date")
    args = parser.parse_args()
    problems = threshold_problems()
    for name, build in DASHBOARDS.items():
        path = OUT_DIR / name
        text = render(build)
        if not args.check:
            path.write_text(text, encoding="utf-8")
        elif not path.exists() or path.read_text(encoding="utf-8") != text:
            problems.append(f"{path.relative_to(HERE.parent.parent)} is out of date: "
                            "run python3 ops/grafana/dashboards.py and commit the result")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
