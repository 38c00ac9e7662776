"""`dustwatch scheduler`: the scheduled jobs in a process of their own (no ingest, no API),
and `dustwatch scheduler status`: who leads, who beats, how each job last ran."""

from __future__ import annotations

import os
import signal
import threading
from datetime import UTC, datetime, timedelta
from types import FrameType

import typer
from rich.table import Table
from sqlalchemy import make_url
from sqlalchemy.exc import OperationalError

from cli.shell import configure_logging, console, fail, load_settings, transaction
from core.kit.db import make_engine, make_session_factory
from core.kit.health import HealthRegistry
from core.kit.schema import SchemaNotCurrent, ensure_schema_current
from core.operations.heartbeats import ProcessIdentity, current_leader, load_heartbeats
from core.operations.runs import last_runs
from core.settings import unknown_variables

scheduler_app = typer.Typer(
    help="Without a command: run only the scheduled jobs (alert checks, the outbox, …), no "
    "ingest or API, for deployments whose `dustwatch serve` has "
    "DUSTWATCH_SCHEDULER__ENABLED=false. Any number may run: one leads (a database lock) and "
    "runs the jobs, the others take over when it stops. Stops on SIGTERM or Ctrl-C, handing "
    "the lead over at once.",
    invoke_without_command=True,
)

STATUS_WINDOW = timedelta(days=1)
"""`status` lists processes that beat within this time, marking those silent for too long."""


@scheduler_app.callback()
def run(ctx: typer.Context) -> None:
    """Run the scheduler until SIGTERM or SIGINT, unless a sub-command was given."""
    if ctx.invoked_subcommand is not None:
        return
    from cli.scheduling import start_heartbeat, start_scheduler  # `status` stays light

    for warning in unknown_variables(os.environ):
        console.print(f"[yellow]Warning: {warning}[/yellow]", soft_wrap=True)
    settings = load_settings()
    configure_logging()
    safe_url = make_url(settings.db.url).render_as_string(hide_password=True)
    engine = make_engine(settings.db.url, echo=settings.db.echo)
    try:
        ensure_schema_current(engine)
    except SchemaNotCurrent as error:
        raise fail(f"Cannot start on {safe_url}: {error}") from None
    except OperationalError as error:
        raise fail(f"Cannot use the database at {safe_url}: {error.orig}") from None
    session_factory = make_session_factory(engine)
    health = HealthRegistry()
    identity = ProcessIdentity("scheduler")
    stopping = threading.Event()

    def stop(_signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    scheduler = start_scheduler(
        settings,
        engine=engine,
        session_factory=session_factory,
        health=health,
        identity=identity,
    )
    heartbeat = start_heartbeat(
        settings,
        session_factory=session_factory,
        health=health,
        identity=identity,
        scheduler=scheduler,
    )
    console.print(f"dustwatch scheduler is up as {identity.label}", soft_wrap=True)
    try:
        while not stopping.wait(1):
            pass
    finally:
        scheduler.stop()
        heartbeat.stop()
        engine.dispose()
    console.print("dustwatch scheduler stopped")


@scheduler_app.command()
def status() -> None:
    """The scheduler's leader, every dustwatch process's last beat, and each job's last run."""
    from alerts.jobs import JOBS, Cron, Every

    settings = load_settings()
    now = datetime.now(UTC)
    with transaction(settings) as session:
        beats = load_heartbeats(session, now=now, fresh_within=STATUS_WINDOW)
        runs = {run.job: run for run in last_runs(session)}
    fresh = [beat for beat in beats if now - beat.beat_at <= settings.scheduler.fresh_within]
    leader = current_leader(fresh)
    console.print(
        f"Leader: {leader.label} (beat {_ago(now, leader.beat_at)})"
        if leader
        else "[red]Leader: none has beaten recently: no jobs run[/red]",
        soft_wrap=True,
    )
    processes = Table("Process", "Role", "Last beat", "Parts", title="Processes")
    for beat in beats:
        silent = beat not in fresh
        parts = ", ".join(
            f"{c.name}"
            + (f" ({c.waiting} waiting)" if c.waiting else "")
            + (f" [yellow]{c.warning}[/yellow]" if c.warning else "")
            for c in beat.components
        )
        when = _ago(now, beat.beat_at) + (" [red]silent[/red]" if silent else "")
        processes.add_row(beat.label, beat.role or "-", when, parts or "-")
    console.print(processes)
    jobs = Table("Job", "Schedule", "Last fire time", "Outcome", title="Jobs")
    for job in JOBS:
        schedule = job.schedule(settings)
        every = (
            f"every {schedule.seconds} s"
            if isinstance(schedule, Every)
            else f"cron {schedule.expression}"
            if isinstance(schedule, Cron)
            else "?"
        )
        last = runs.get(job.name)
        if last is None:
            jobs.add_row(job.name, every, "never", "-")
            continue
        if last.ok is None:
            outcome = "[yellow]running, or its process died[/yellow]"
        elif last.ok:
            outcome = f"[green]ok[/green] {last.summary or ''}"
        else:
            lines = (last.error or "").strip().splitlines()
            outcome = f"[red]failed[/red] {lines[-1] if lines else ''}"
        fired = last.fire_time.astimezone(settings.zone).strftime("%Y-%m-%d %H:%M:%S")
        jobs.add_row(job.name, every, fired, outcome)
    console.print(jobs)


def _ago(now: datetime, then: datetime) -> str:
    return f"{max((now - then).total_seconds(), 0):.0f} s ago"
