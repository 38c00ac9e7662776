"""One process's parts, started and stopped in order: store, broker, ingest, scheduler, API."""

from __future__ import annotations

import logging
import secrets

from fastapi import FastAPI

from alerts.scheduler import Scheduler
from api.app import create_app
from cli.scheduling import start_heartbeat, start_scheduler
from core.devices.credentials import verify_device
from core.devices.topics import ALERTS_USER, INGEST_USER
from core.kit.db import make_engine, make_session_factory
from core.kit.health import HealthRegistry
from core.kit.schema import ensure_schema_current, upgrade_to_head
from core.operations.heartbeats import Heartbeat, ProcessIdentity
from core.readings.rollups import ensure_daily_rollups
from core.settings import MqttSettings, Settings
from ingest.broker import EmbeddedBroker
from ingest.mqtt import MqttIngest

log = logging.getLogger(__name__)


class Runtime:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = make_engine(settings.db.url, echo=settings.db.echo)
        self.session_factory = make_session_factory(self.engine)
        self.health = HealthRegistry()
        self.broker: EmbeddedBroker | None = None
        self.ingest: MqttIngest | None = None
        self.scheduler: Scheduler | None = None
        self.identity = ProcessIdentity("serve")
        self.heartbeat: Heartbeat | None = None
        self.delivery = settings.delivery
        """With the embedded broker, also the alerts user's sign-in to it, made at start-up."""
        self.app: FastAPI = create_app(
            settings=settings, session_factory=self.session_factory, health_registry=self.health
        )

    def start(
        self,
        *,
        migrate: bool = True,
        embedded_broker: bool = True,
        ingest: bool = True,
        scheduler: bool = True,
    ) -> None:
        """Start the parts in dependency order; stops what started if a later part fails.

        `embedded_broker=False` leaves out the in-process broker even when no MQTT URL is
        set, for a caller that runs one already. Without `migrate`, raises SchemaNotCurrent
        before anything starts unless the database is at the newest migration.
        """
        try:
            if migrate:
                upgrade_to_head(self.settings.db.url)
            else:
                ensure_schema_current(self.engine)
            with self.session_factory.begin() as session:
                # Daily rollups count local days: built once after the migration that adds
                # them, and again whenever DUSTWATCH_TIME_ZONE changes (logged when done).
                ensure_daily_rollups(session, self.settings.zone)
            mqtt = self.settings.mqtt
            broker_figures = mqtt.url is not None
            if embedded_broker and ingest and mqtt.embedded:
                mqtt = self._start_embedded_broker()
            if ingest:
                self.ingest = MqttIngest(
                    settings=mqtt,
                    session_factory=self.session_factory,
                    health=self.health,
                    zone=self.settings.zone,
                    broker_figures=broker_figures,
                )
                self.ingest.start()
            if scheduler and self.settings.scheduler.enabled:
                self.scheduler = start_scheduler(
                    self.settings,
                    engine=self.engine,
                    session_factory=self.session_factory,
                    health=self.health,
                    identity=self.identity,
                    delivery=self.delivery,
                )
            self.heartbeat = start_heartbeat(
                self.settings,
                session_factory=self.session_factory,
                health=self.health,
                identity=self.identity,
                scheduler=self.scheduler,
            )
        except BaseException:
            self.stop()
            raise

    def _start_embedded_broker(self) -> MqttSettings:
        """Start the in-process broker; the ingest's settings to sign in to it as
        `dustwatch-ingest` (its client id too) with a password made for this run."""
        mqtt = self.settings.mqtt
        password = secrets.token_urlsafe(24)
        alerts_password = secrets.token_urlsafe(24)
        broker = EmbeddedBroker(
            host=mqtt.embedded_host,
            port=mqtt.embedded_port,
            topic_prefix=mqtt.topic_prefix,
            ingest_password=password,
            check_device=self._check_device,
            alerts_password=alerts_password,
        )
        broker.start()
        self.broker = broker
        host = f"[{mqtt.embedded_host}]" if ":" in mqtt.embedded_host else mqtt.embedded_host
        if self.delivery.mqtt_url is None:  # alert messages go out on this broker too
            alerts_url = f"mqttv311://{ALERTS_USER}:{alerts_password}@{host}:{mqtt.embedded_port}"
            self.delivery = self.delivery.model_copy(update={"mqtt_url": alerts_url})
        url = f"mqttv311://{INGEST_USER}:{password}@{host}:{mqtt.embedded_port}"
        return mqtt.model_copy(update={"url": url, "client_id": INGEST_USER})

    def _check_device(self, user: str, password: str) -> bool:
        with self.session_factory() as session:
            return verify_device(session, user=user, password=password)

    def stop(self) -> None:
        if self.scheduler is not None:
            self.scheduler.stop()
            self.scheduler = None
        if self.heartbeat is not None:
            self.heartbeat.stop()
            self.heartbeat = None
        if self.ingest is not None:
            self.ingest.stop()
            self.ingest = None
        if self.broker is not None:
            self.broker.stop()
            self.broker = None
        self.engine.dispose()
