"""Publishes the simulated stations of a demo case over MQTT, like real devices would: one
client per station, signed in with its station code (also its client id) and password."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from cli.demo.simulator import times_between
from cli.demo.spec import Site
from core.kit.time import floor_hour

log = logging.getLogger(__name__)

BACKFILL = timedelta(hours=26)
BACKFILL_STEP = timedelta(minutes=10)
HISTORY = timedelta(days=35)
"""Older days, published after the last 26 hours, so that the 30-day indicators, the
compliance answers and the station pages have something to show."""
HISTORY_STEP = timedelta(minutes=30)


def demo_readings(
    demo: Site, moments: list[datetime], *, backfill: bool = False
) -> list[dict[str, object]]:
    """`backfill` declares history published on purpose, which quality control would
    otherwise flag as too old."""
    extra = {"backfill": True} if backfill else {}
    return [
        {"parameter": parameter, "value": value, "time": moment.isoformat()} | extra
        for moment in moments
        for parameter, value in demo.readings(moment).items()
    ]


class _Device:
    """One simulated station's MQTT client, reconnecting by itself."""

    def __init__(self, *, code: str, password: str, host: str, port: int) -> None:
        self.code = code
        self.client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2, client_id=code)
        self.client.username_pw_set(code, password)
        self.client.reconnect_delay_set(min_delay=1, max_delay=10)
        self.connected = threading.Event()
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = lambda *_args: self.connected.clear()
        self.client.connect_async(host, port)

    def _on_connect(
        self, _client: mqtt.Client, _userdata: Any, _flags: Any, reason: Any, _props: Any
    ) -> None:
        if reason.is_failure:
            log.warning("demo: the broker refused device %s: %s", self.code, reason)
            return
        self.connected.set()


class DemoPublisher:
    """First publishes the last 26 hours (so 24-hour averages are complete at once), then the
    35 days before them (for the 30-day figures), then a reading per station every
    `interval` seconds until stopped.

    `passwords` maps each demo station's code to its MQTT password; `after_history` runs
    (in a thread of its own, given the stop event) once the history is published.
    """

    def __init__(
        self,
        *,
        host: str,
        port: int,
        topic_prefix: str,
        interval: float,
        passwords: Mapping[str, str],
        stations: Sequence[Site],
        after_history: Callable[[threading.Event], None] | None = None,
    ) -> None:
        self._topic_prefix = topic_prefix
        self._stations = tuple(stations)
        self._after_history = after_history
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="demo-publisher", daemon=True)
        self._devices = {
            demo.station.code: _Device(
                code=demo.station.code,
                password=passwords[demo.station.code],
                host=host,
                port=port,
            )
            for demo in self._stations
        }

    def start(self) -> None:
        for device in self._devices.values():
            device.client.loop_start()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        for device in self._devices.values():
            device.client.disconnect()
            device.client.loop_stop()

    def _publish(self, demo: Site, moments: list[datetime], *, backfill: bool = False) -> None:
        """Publish with QoS 1, waiting out broker restarts like a patient device would."""
        device = self._devices[demo.station.code]
        topic = f"{self._topic_prefix}/readings/{demo.station.code}"
        payload = json.dumps(demo_readings(demo, moments, backfill=backfill))
        while not self._stop.is_set():
            if not device.connected.wait(timeout=1):
                continue
            info = device.client.publish(topic, payload, qos=1)
            try:
                info.wait_for_publish(timeout=30)
                return
            except RuntimeError as error:
                log.warning("demo: publish to %s failed (%s); retrying", topic, error)

    def _publish_hours(
        self, start: datetime, end: datetime, step: timedelta, *, backfill: bool = False
    ) -> None:
        for hour in times_between(start, end, timedelta(hours=1)):
            if self._stop.is_set():
                return
            moments = list(times_between(hour, hour + timedelta(hours=1), step))
            for demo in self._stations:
                self._publish(demo, moments, backfill=backfill)

    def _run(self) -> None:
        try:
            now = datetime.now(UTC).replace(microsecond=0)
            recent = floor_hour(now - BACKFILL)
            self._publish_hours(recent, floor_hour(now), BACKFILL_STEP)
            log.info(
                "demo: published the last %d hours of readings", BACKFILL // timedelta(hours=1)
            )
            self._publish_hours(floor_hour(now - HISTORY), recent, HISTORY_STEP, backfill=True)
            log.info("demo: published the %d days before them", HISTORY // timedelta(days=1))
            if self._after_history is not None:
                threading.Thread(
                    target=self._after_history, args=(self._stop,), name="demo-after", daemon=True
                ).start()
            while not self._stop.wait(self._interval):
                moment = datetime.now(UTC).replace(microsecond=0)
                for demo in self._stations:
                    self._publish(demo, [moment])
        except Exception:
            log.exception("the demo publisher stopped")
