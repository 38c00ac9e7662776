"""The server-rendered web pages: Thai first, every asset served by dustwatch itself."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.web.pages import (
    actions,
    alert_rules,
    aqi,
    bulletins,
    commitments,
    complain,
    complaints_map,
    complaints_triage,
    compliance,
    docs,
    factory_reports,
    forum,
    home,
    inbox,
    landing,
    manage,
    quality,
    rejected,
    report,
    signin,
    stations,
    target_forms,
    targets,
)
from api.web.rendering import make_web_ui

STATIC_DIR = Path(__file__).parent / "static"
STATIC_PATH = "/static"


def add_web(app: FastAPI) -> None:
    """The pages, `/docs` and the static files (the app must be made with docs_url=None and
    redoc_url=None, whose defaults load Swagger UI and ReDoc from a CDN)."""
    app.state.web_ui = make_web_ui()
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC_DIR), name="static")
    for module in (
        docs,
        landing,
        signin,
        home,
        inbox,
        stations,
        manage,
        alert_rules,
        quality,
        compliance,
        aqi,
        report,
        rejected,
        factory_reports,
        bulletins,
        complain,
        complaints_triage,
        complaints_map,
        targets,
        target_forms,
        commitments,
        actions,
        forum,
    ):
        app.include_router(module.router)
