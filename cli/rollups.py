"""`dustwatch rollups rebuild`: recompute the daily rollups from the hourly ones, in the
configured time zone (start-up does this by itself when the zone changed)."""

from __future__ import annotations

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from cli.shell import console, load_settings, transaction
from core.readings.rollups import rebuild_daily_rollups

rollups_app = typer.Typer(
    help="The daily rollups indicators are computed from.", no_args_is_help=True
)


@rollups_app.command("rebuild")
def rebuild() -> None:
    """Recompute every daily row from the hourly rows in DUSTWATCH_TIME_ZONE, in one
    transaction, and record that zone."""
    settings = load_settings()
    with (
        Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progress,
        transaction(settings) as session,
    ):
        task = progress.add_task("hourly rows", total=None)
        report = rebuild_daily_rollups(
            session,
            settings.zone,
            progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
    was = report.previous_zone or "never built"
    console.print(
        f"Daily rollups rebuilt in {report.time_zone} (were {was}): "
        f"{report.hourly_rows} hourly rows into {report.daily_rows} days.",
        soft_wrap=True,
    )
