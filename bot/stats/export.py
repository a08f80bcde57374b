"""The stats outside Slack (`opsbot stats`): JSON or CSV of one `StatsReport` (pure)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from bot.stats.domain import NO_DATA_EXPLANATION, StatsReport, format_value

CSV_COLUMNS = ("group", "key", "label", "unit", "value", "previous", "change", "shown", "reading")


def _rows(report: StatsReport) -> list[dict[str, Any]]:
    return [
        {
            "group": metric.group.value,
            "key": metric.key,
            "label": metric.label,
            "unit": metric.unit.value,
            "value": metric.value,
            "previous": metric.previous,
            "change": metric.change,
            "shown": format_value(metric.unit, metric.value),
            "detail": metric.detail,
            "reading": metric.reading(),
        }
        for metric in report.metrics
    ]


def report_json(report: StatsReport) -> str:
    payload: dict[str, Any] = {
        "team_id": report.team_id,
        "period": report.period.value,
        "window": {"start": report.window.start.isoformat(), "end": report.window.end.isoformat()},
        "previous_window": {
            "start": report.previous_window.start.isoformat(),
            "end": report.previous_window.end.isoformat(),
        },
        "has_data": report.has_data,
        "metrics": _rows(report),
        "not_available": list(report.not_available),
    }
    if not report.has_data:
        payload["explanation"] = NO_DATA_EXPLANATION
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def report_csv(report: StatsReport) -> str:
    """One row per metric; empty value cells mean "nothing to measure", never zero."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for row in _rows(report):
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue()
