"""The issue's table as measured: each figure with its goal, pass or miss, the bare bot's
figure and the ratio to it; printed, and written to BENCHMARKS.md. The figures after the
issue's (the webhook, the coach's pure parts, /report, languages and places) have no goal
of their own: they are reported, to be compared from run to run."""

from __future__ import annotations

import math
import os
import platform
import sys
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import telegram

from bench.harness import spread

Medians = dict[str, float]


@dataclass(frozen=True)
class Line:
    """One figure of the table: where it comes from, its goal and how it is judged."""

    figure: str
    scenario: str
    key: str
    unit: str
    goal: str
    now: str  # the figure, for reference
    bare: str | None = None  # the bare bot's figure of the same measurement
    passes: Callable[[Medians], bool] | None = None  # None: reported, no goal of its own


def _at_most(key: str, limit: float) -> Callable[[Medians], bool]:
    return lambda m: m.get(key, float("nan")) <= limit


def _unchanged(m: Medians) -> bool:
    quiet, loaded = m.get("others_p99_ms_quiet", float("nan")), m.get("others_p99_ms", float("nan"))
    return loaded <= max(1.5 * quiet, quiet + 50)


LINES = [
    Line(
        "Presses answered per second (plan or pop-up), burst of {burst_limited}, limiter on",
        "presses",
        "presses_per_s",
        "/s",
        "—",
        "31/s (bare 860/s)",
        "bare_presses_per_s",
    ),
    Line(
        "… of that burst, presses answered with the saved-rating pop-up (plan put off)",
        "presses",
        "put_off_burst",
        "%",
        "—",
        "—",
    ),
    Line(
        "Presses handled per second, burst of {burst}, limiter off",
        "presses",
        "presses_per_s_unlimited",
        "/s",
        "≥ 0.33× bare",
        "—",
        "bare_presses_per_s",
        lambda m: m["presses_per_s_unlimited"] >= 0.33 * m["bare_presses_per_s"],
    ),
    Line(
        "Limited requests (send + edit) per press",
        "presses",
        "limited_per_press",
        "",
        "≤ 1",
        "2 (edit + send)",
        "bare_limited_per_press",
        _at_most("limited_per_press", 1),
    ),
    Line(
        "CPU per press, limiter off",
        "presses",
        "cpu_ms_per_press",
        " ms",
        "≤ 3× bare",
        "9.6 ms = 9.9× bare",
        "bare_cpu_ms_per_press",
        lambda m: m["cpu_ms_per_press"] <= 3 * m["bare_cpu_ms_per_press"],
    ),
    Line(
        "… presses per second, against the bare bot over Back Coach's transport (aiohttp)",
        "presses",
        "presses_per_s_unlimited",
        "/s",
        "—",
        "—",
        "aiohttp_bare_presses_per_s",
    ),
    Line(
        "… CPU per press, against the bare bot over Back Coach's transport (aiohttp)",
        "presses",
        "cpu_ms_per_press",
        " ms",
        "—",
        "—",
        "aiohttp_bare_cpu_ms_per_press",
    ),
    Line(
        "p99 press → plan at 25/s while a reminder broadcast is sent",
        "steady",
        "p99_ms_25",
        " ms",
        "≤ 100 ms",
        "—",
        "bare_p99_ms_25",
        _at_most("p99_ms_25", 100),
    ),
    Line(
        "… presses answered with the saved-rating pop-up (plan put off to /today) at 25/s",
        "steady",
        "put_off_25",
        "%",
        "—",
        "—",
    ),
    Line(
        "… reminders of the broadcast sent meanwhile (replies take 25 of Telegram's 30/s)",
        "steady",
        "broadcast_sent_meanwhile",
        "",
        "—",
        "—",
    ),
    Line(
        "p99 press → plan, or the saved-rating pop-up when the plan would wait, at 50/s",
        "steady",
        "p99_ms_50",
        " ms",
        "bounded",
        "6,953 ms",
        "bare_p99_ms_50",
    ),
    Line(
        "… share of presses answered with that pop-up at 50/s (Telegram takes 30/s)",
        "steady",
        "put_off_50",
        "%",
        "—",
        "—",
    ),
    Line(
        "… late presses' median wait over early presses' at 50/s",
        "steady",
        "growth_50",
        "×",
        "≤ 2 (bounded)",
        "—",
        "bare_growth_50",
        _at_most("growth_50", 2),
    ),
    Line(
        "Others' p99 with no one busy",
        "one_busy_person",
        "others_p99_ms_quiet",
        " ms",
        "—",
        "—",
        "bare_others_p99_ms_quiet",
    ),
    Line(
        "Others' p99 while one person has {queued} updates queued",
        "one_busy_person",
        "others_p99_ms",
        " ms",
        "unchanged (≤ 1.5× quiet or +50 ms)",
        "14 s",
        "bare_others_p99_ms",
        _unchanged,
    ),
    Line(
        "Dispatcher tick per 1,000 rows it claims ({due:,} due, spread through {crowd:,} people)",
        "tick",
        "tick_ms_per_1000",
        " ms",
        "≤ 50 ms",
        "76 ms spread (36.8 ms with due people side by side)",
        None,
        _at_most("tick_ms_per_1000", 50),
    ),
    Line("… rows that one tick claimed of the {due:,} due", "tick", "claimed", "", "—", "—"),
    Line(
        "Longest write transaction during the tick",
        "tick",
        "longest_write_ms",
        " ms",
        "≤ 50 ms",
        "1,277 ms",
        None,
        _at_most("longest_write_ms", 50),
    ),
    Line("p99 press → plan during the tick (20/s)", "tick", "presses_p99_ms", " ms", "—", "1.9 s"),
    Line(
        "Send rate over the configured {send_rate:g}/s, {send_due} due at once",
        "send_rate",
        "rate_ratio",
        "×",
        "≥ 0.95×",
        "13.75/s of 25/s = 0.55×",
        None,
        lambda m: m["rate_ratio"] >= 0.95,
    ),
    Line(
        "Most sends in any sliding second",
        "send_rate",
        "max_per_second",
        "",
        "≤ 30",
        "50",
        None,
        _at_most("max_per_second", 30),
    ),
    Line(
        "Last send after the first, over due / rate",
        "send_rate",
        "last_ratio",
        "×",
        "≤ 1.05×",
        "—",
        None,
        _at_most("last_ratio", 1.05),
    ),
    Line(
        "RSS when ready (first poll), {crowd:,} people",
        "startup",
        "rss_ready_mb",
        " MB",
        "— (read before start-up ends)",
        "207 MB",
        "bare_rss_ready_mb",
    ),
    Line(
        "RSS settled, 10 s after ready, {crowd:,} people",
        "startup",
        "rss_settled_mb",
        " MB",
        "≤ 120 MB",
        "146–150 MB",
        "bare_rss_ready_mb",
        _at_most("rss_settled_mb", 120),
    ),
    Line(
        "RSS settled after the process's first /progress 90 and /report 90",
        "startup",
        "rss_rendered_mb",
        " MB",
        "≤ 120 MB",
        "—",
        "bare_rss_ready_mb",
        _at_most("rss_rendered_mb", 120),
    ),
    Line(
        "… the renderer's process beside it (it ends after 5 idle minutes)",
        "startup",
        "renderer_rss_mb",
        " MB",
        "—",
        "—",
    ),
    Line(
        "Others' p99 (/help at 20/s) with no one rendering",
        "rendering",
        "others_p99_ms_quiet",
        " ms",
        "—",
        "—",
    ),
    Line(
        "Others' p99 while ten people ask for /progress 90 and /report 90 at once",
        "rendering",
        "others_p99_ms",
        " ms",
        "≤ 2× quiet",
        "not measured",
        None,
        lambda m: m.get("others_p99_ms", float("nan")) <= 2 * m.get("others_p99_ms_quiet", 0),
    ),
    Line(
        "… the slowest of the twenty charts and PDFs sent, after it was asked for (3 rounds)",
        "rendering",
        "renders_last_s",
        " s",
        "—",
        "—",
    ),
    Line(
        "Ready (first poll) after the process starts",
        "startup",
        "ready_s",
        " s",
        "≤ 2 s",
        "—",
        "bare_ready_s",
        _at_most("ready_s", 2),
    ),
    Line(
        "First reminder sent after ready (first dispatcher tick)",
        "startup",
        "first_tick_after_ready_s",
        " s",
        "≤ 2 s",
        "~20 s",
        None,
        _at_most("first_tick_after_ready_s", 2),
    ),
    Line("… the same, counted from the process start", "startup", "first_tick_s", " s", "—", "—"),
    Line(
        "Others' extra wait during the process's first /progress",
        "first_progress",
        "others_wait_ms",
        " ms",
        "≤ 50 ms (no wait)",
        "221 ms",
        None,
        _at_most("others_wait_ms", 50),
    ),
    Line(
        "Failed presses in the bursts (database is locked, neither plan nor pop-up)",
        "presses",
        "failed_presses",
        "",
        "0",
        "3 of 600",
        "bare_failed_presses",
        _at_most("failed_presses", 0),
    ),
    Line(
        "Webhook: presses handled per second, burst of {webhook_presses} posted 16 at a time, "
        "limiter off",
        "webhook_presses",
        "hook_presses_per_s",
        "/s",
        "≥ 0.5× bare",
        "0.25× bare",
        "bare_hook_presses_per_s",
        lambda m: m["hook_presses_per_s"] >= 0.5 * m["bare_hook_presses_per_s"],
    ),
    Line(
        "Webhook: CPU per press, limiter off",
        "webhook_presses",
        "hook_cpu_ms_per_press",
        " ms",
        "≤ 3× bare",
        "5.1× bare",
        "bare_hook_cpu_ms_per_press",
        lambda m: m["hook_cpu_ms_per_press"] <= 3 * m["bare_hook_cpu_ms_per_press"],
    ),
    Line(
        "… a post's answer time in that burst, p99",
        "webhook_presses",
        "hook_burst_post_p99_ms",
        " ms",
        "—",
        "—",
        "bare_hook_burst_post_p99_ms",
    ),
    Line(
        "Webhook: POST answer time p99 at 25 presses/s, limiter on (each press answered "
        "with its plan)",
        "webhook_presses",
        "hook_post_p99_ms_25",
        " ms",
        "≤ 100 ms",
        "1,380 ms",
        "bare_hook_post_p99_ms_25",
        _at_most("hook_post_p99_ms_25", 100),
    ),
    Line("… the median", "webhook_presses", "hook_post_p50_ms_25", " ms", "—", "—"),
    Line(
        "… press → plan p99 at 25/s (the bare bot: press → its reply)",
        "webhook_presses",
        "hook_plan_p99_ms_25",
        " ms",
        "—",
        "—",
        "bare_hook_reply_p99_ms_25",
    ),
    Line(
        "… presses never answered (neither plan nor pop-up), burst and 25/s",
        "webhook_presses",
        "hook_failed",
        "",
        "0",
        "—",
        None,
        _at_most("hook_failed", 0),
    ),
    Line(
        "Updates handled per second by the webhook: {webhook_updates} people's /help at once, "
        "16 posts at a time, limiter off",
        "webhook",
        "webhook_per_s",
        "/s",
        "—",
        "—",
    ),
    Line("… the same updates taken by polling", "webhook", "polling_per_s", "/s", "—", "—"),
    Line("CPU per update by the webhook", "webhook", "webhook_cpu_ms", " ms", "—", "—"),
    Line("… by polling", "webhook", "polling_cpu_ms", " ms", "—", "—"),
    Line(
        "The webhook's answer to a post, p50 (it answers once the update is stored)",
        "webhook",
        "webhook_answer_p50_ms",
        " ms",
        "—",
        "—",
    ),
    Line("… p99", "webhook", "webhook_answer_p99_ms", " ms", "—", "—"),
    Line("Webhook updates never answered", "webhook", "webhook_failed", "", "—", "—"),
    Line(
        "The per-person processor per update (a no-op update)",
        "webhook",
        "processor_us",
        " µs",
        "—",
        "—",
    ),
    Line(
        "… with the metrics' timing and counting",
        "webhook",
        "processor_timed_us",
        " µs",
        "—",
        "—",
    ),
    Line("Replay of a 90-day history", "coach", "replay_ms_90", " ms", "—", "—"),
    Line("… of a {history_days}-day history", "coach", "replay_ms_long", " ms", "—", "—"),
    Line("The day's plan, 90 days of history", "coach", "plan_ms_90", " ms", "—", "—"),
    Line("… {history_days} days", "coach", "plan_ms_long", " ms", "—", "—"),
    Line("/why (standing and text), 90 days of history", "coach", "why_ms_90", " ms", "—", "—"),
    Line("… {history_days} days", "coach", "why_ms_long", " ms", "—", "—"),
    Line("/progress chart (PNG), 30 days", "coach", "chart_ms_30", " ms", "—", "—"),
    Line("… 90 days", "coach", "chart_ms_90", " ms", "—", "—"),
    Line(
        "/report over 30 days of a busy 120-day history: figures and PDF",
        "report",
        "report_ms_30",
        " ms",
        "—",
        "—",
    ),
    Line("… over 90 days", "report", "report_ms_90", " ms", "—", "—"),
    Line("… of which the figures, 90 days", "report", "report_figures_ms_90", " ms", "—", "—"),
    Line("… the PDF's size, 90 days", "report", "report_kib_90", " KiB", "—", "—"),
    Line(
        "fpdf2's import, paid by a process's first /report (in its worker thread)",
        "report",
        "report_import_ms",
        " ms",
        "—",
        "—",
    ),
    Line(
        "Reading a language's catalogue (Russian), once per process",
        "lookups",
        "catalogue_ms",
        " ms",
        "—",
        "—",
    ),
    Line("A text in English", "lookups", "text_ns_en", " ns", "—", "—"),
    Line("… in Russian", "lookups", "text_ns_ru", " ns", "—", "—"),
    Line(
        "A /why message in English (from its standing)",
        "lookups",
        "why_text_us_en",
        " µs",
        "—",
        "—",
    ),
    Line("… in Russian", "lookups", "why_text_us_ru", " µs", "—", "—"),
    Line("… in Spanish", "lookups", "why_text_us_es", " µs", "—", "—"),
    Line(
        "A time-zone answer (city, country, unknown place, offset), mean",
        "lookups",
        "city_us",
        " µs",
        "—",
        "—",
    ),
    Line(
        "… the slowest of them (a city with many namesakes)",
        "lookups",
        "city_us_worst",
        " µs",
        "—",
        "—",
    ),
    Line(
        "A process's first shared location (the zones' outlines load; the bot's drawing "
        "process pays it)",
        "lookups",
        "location_first_ms",
        " ms",
        "—",
        "—",
    ),
    Line("… a shared location's time zone after that", "lookups", "location_us", " µs", "—", "—"),
    Line(
        "Runtime install: a fresh venv, the runtime lock, then the wheel",
        "install",
        "install_mb",
        " MB",
        "≤ 300 MB",
        "566 MB",
        None,
        _at_most("install_mb", 300),
    ),
    Line("… of which the runtime lock's packages", "install", "locked_mb", " MB", "—", "—"),
    Line(
        "… and Back Coach itself (with its city index and fonts)",
        "install",
        "project_mb",
        " MB",
        "—",
        "—",
    ),
    Line("… the wheel's file", "install", "wheel_mb", " MB", "—", "—"),
    Line(
        "Morning peak, {crowd} people, a third at 08:00 / 08:30 in one zone: reminders due",
        "morning_peak",
        "due_rows",
        "",
        "—",
        "—",
    ),
    Line(
        "… the latest reminder, sent at its due time (before: no early sending)",
        "morning_peak",
        "at_due_latest_min",
        " min",
        "—",
        "~20 min",
    ),
    Line(
        "… the latest reminder, a peak sent early by half its sending time",
        "morning_peak",
        "latest_min",
        " min",
        "≤ 10 min",
        "~20 min",
        None,
        _at_most("latest_min", 10),
    ),
    Line(
        "… the earliest reminder (minutes before its time)",
        "morning_peak",
        "earliest_min",
        " min",
        "≤ 10 min",
        "0",
        None,
        _at_most("earliest_min", 10),
    ),
    Line(
        "… the median lateness (negative: early)",
        "morning_peak",
        "median_min",
        " min",
        "within ±2 min",
        "—",
        None,
        lambda m: abs(m["median_min"]) <= 2,
    ),
    Line(
        "… the median distance from its time, early or late",
        "morning_peak",
        "median_abs_min",
        " min",
        "—",
        "—",
    ),
    Line(
        "… reminders within ±10 min of their time",
        "morning_peak",
        "within_10_pct",
        "%",
        "100 % (at 25/s: the 08:00 third alone takes 22 min)",
        "—",
        None,
        lambda m: m["within_10_pct"] >= 100,
    ),
    Line(
        "… the peak's reminders (due 08:00 or 08:30): their median distance from their time",
        "morning_peak",
        "peak_median_abs_min",
        " min",
        "—",
        "—",
    ),
    Line(
        "With paid broadcasts at 7/s beside the free 25/s (PAID_BROADCAST_RATE=7): the latest",
        "morning_peak",
        "paid_latest_min",
        " min",
        "≤ 10 min",
        "~20 min",
        None,
        _at_most("paid_latest_min", 10),
    ),
    Line(
        "… the earliest (minutes before its time)",
        "morning_peak",
        "paid_earliest_min",
        " min",
        "≤ 10 min",
        "0",
        None,
        _at_most("paid_earliest_min", 10),
    ),
    Line(
        "… the median lateness (negative: early)",
        "morning_peak",
        "paid_median_min",
        " min",
        "within ±2 min",
        "—",
        None,
        lambda m: abs(m["paid_median_min"]) <= 2,
    ),
    Line(
        "… reminders within ±10 min of their time",
        "morning_peak",
        "paid_within_10_pct",
        "%",
        "100 %",
        "—",
        None,
        lambda m: m["paid_within_10_pct"] >= 100,
    ),
    Line(
        "… the peak's reminders: their median distance from their time",
        "morning_peak",
        "paid_peak_median_abs_min",
        " min",
        "—",
        "—",
    ),
    Line(
        "… reminders sent as paid broadcasts, a day",
        "morning_peak",
        "paid_paid_sent",
        "",
        "—",
        "—",
    ),
    Line("… their cost a day, at 0.1 Star each", "morning_peak", "paid_stars", " Stars", "—", "—"),
    Line(
        "Sent early again, one in twenty of the peak's people checking in by themselves at 08:00",
        "morning_peak",
        "own_checking_in",
        "",
        "—",
        "—",
    ),
    Line(
        "… their prompts, claimed early and not yet sent, held back just before sending",
        "morning_peak",
        "own_held_back",
        "",
        "—",
        "—",
    ),
    Line(
        "… prompts that still asked them after their own check-in",
        "morning_peak",
        "own_asked_after",
        "",
        "0",
        "—",
        None,
        lambda m: m["own_asked_after"] == 0,
    ),
]


def machine() -> dict[str, str]:
    """Cores, CPU model, memory, Python and PTB versions."""
    model = "unknown"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return {
        "Cores": str(os.cpu_count()),
        "CPU": model,
        "RAM": memory,
        "Python": sys.version.split()[0],
        "python-telegram-bot": telegram.__version__,
        "OS": platform.platform(),
    }


def _number(value: float, unit: str) -> str:
    if math.isnan(value):
        return "n/a"
    if value == float("inf"):
        return "∞"
    digits = 2 if abs(value) < 10 else 1 if abs(value) < 100 else 0
    text = f"{value:,.{digits}f}"
    return f"{text}{unit}"


def _cell(values: list[float], unit: str) -> str:
    median, low, high = spread(values)
    if len([v for v in values if not math.isnan(v)]) <= 1:
        return _number(median, unit)
    return f"{_number(median, unit)} ({_number(low, '')}–{_number(high, '')})"


def table(
    results: dict[str, dict[str, list[float]]],
    sizes: object,
    scenarios: Collection[str] | None = None,
) -> list[str]:
    """Markdown rows for one database: results[scenario][key] = the repeats' values; only
    the figures of ``scenarios`` (the ones run there) when given."""
    rows = [
        "| Figure | Measured: median (min–max) | Bare PTB bot | Ratio to bare | Goal | "
        'Result | Issue\'s "now" |',
        "|---|---|---|---|---|---|---|",
    ]
    for line in LINES:
        if scenarios is not None and line.scenario not in scenarios:
            continue
        found = results.get(line.scenario, {})
        values = found.get(line.key, [])
        medians = {key: spread(vals)[0] for key, vals in found.items()}
        bare = found.get(line.bare, []) if line.bare else []
        ratio = "—"
        if bare and line.key in medians and spread(bare)[0]:
            ratio = _number(medians[line.key] / spread(bare)[0], "×")
        if line.passes is None:
            verdict = "—"
        elif not values:
            verdict = "not run"
        else:
            try:
                verdict = "pass" if line.passes(medians) else "**miss**"
            except KeyError:
                verdict = "n/a"
        figure = line.figure.format(**vars(sizes))
        rows.append(
            f"| {figure} | {_cell(values, line.unit) if values else 'not run'} | "
            f"{_cell(bare, line.unit) if bare else '—'} | {ratio} | {line.goal} | {verdict} | "
            f"{line.now} |"
        )
    return rows


def write(
    path: Path,
    title: str,
    runs: dict[str, dict[str, dict[str, list[float]]]],
    versions: dict[str, str],
    repeats: int,
    sizes: object,
    seconds: float,
    asked: dict[str, list[str]] | None = None,
    sizes_of: dict[str, object] | None = None,
) -> str:
    """BENCHMARKS.md: the machine, the date, then one table per database (with the
    figures of the scenarios ``asked`` of it, at its own ``sizes_of`` where given), and one
    for what needs no database."""
    lines = [f"# Benchmarks: {title}", ""]
    lines.append(
        "Written by `make bench` (`python -m bench.suite`); what each figure means is in "
        "README.md, section *Benchmarks*."
    )
    lines.append("")
    lines.append(f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    for key, value in machine().items():
        lines.append(f"- {key}: {value}")
    for name, version in versions.items():
        lines.append(f"- {name}: {version}")
    lines.append(
        f"- Repeats: {repeats} (median, with min–max of the repeats); the morning peak (a"
        " model of the sending) and the install's size: once"
    )
    lines.append(f"- Sizes: {sizes}")
    lines.append(f"- Whole run: {seconds / 60:.1f} min")
    lines.append("")
    for database, results in runs.items():
        lines.append(f"## {database}")
        lines.append("")
        shown_sizes = (sizes_of or {}).get(database, sizes)
        lines.extend(table(results, shown_sizes, (asked or {}).get(database)))
        lines.append("")
    lines.append("<details><summary>Every repeat's figures</summary>")
    lines.append("")
    for database, results in runs.items():
        for scenario, figures in results.items():
            for key, values in figures.items():
                shown = ", ".join(f"{v:.4g}" for v in values)
                lines.append(f"- {database} · {scenario} · {key}: {shown}")
    lines.append("")
    lines.append("</details>")
    lines.append("")
    text = "\n".join(lines)
    path.write_text(text)
    return text
