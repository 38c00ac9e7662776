"""MQTT subscriber: the paho callback only enqueues; one writer stores batches, then acknowledges.

Messages arrive with QoS 1 on a persistent session and are acknowledged to the broker only
after the batch holding them is committed. A crash before the commit leaves them
unacknowledged, so the broker delivers them again, and the (station, parameter, time) key
stores each reading once; a refusal is kept once too (a redelivered or retained message
that was refused before is not recorded again).

It subscribes to everything under the prefix, so a message on a topic dustwatch does not
use is recorded as refused, not lost without a trace. After a commit that recorded a
refusal for a station, it publishes the station's last refusal, retained, on
`{prefix}/status/{station}`, which that device may read.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from core.devices.topics import status_topic
from core.kit.health import HealthRegistry
from core.models import ReadingSource
from core.readings.ingest import (
    IncomingMessage,
    ingest_messages,
    mqtt_rejection,
    station_code_from_topic,
)
from core.readings.pipeline import IngestOutcome, record_rejection
from core.readings.rejected import rejection_status
from core.settings import MqttSettings

log = logging.getLogger(__name__)

SESSION_EXPIRY_SECONDS = 7 * 24 * 3600

# Mosquitto's figures: messages in its store (queued ones and retained ones), retained
# ones, and messages it dropped (a full queue drops new messages for that client).
SYS_STORED = "$SYS/broker/store/messages/count"
SYS_RETAINED = "$SYS/broker/retained messages/count"
SYS_DROPPED = "$SYS/broker/publish/messages/dropped"


def is_outage(error: BaseException) -> bool:
    """The database cannot be reached, as opposed to refusing what was sent.

    Only an outage is worth retrying the same batch for; any other database error would
    come back on every retry (a value the database refuses), so the batch is stored message
    by message instead and what still fails becomes a rejection.
    """
    if isinstance(error, OperationalError | InterfaceError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


@dataclass(frozen=True)
class BrokerAddress:
    host: str
    port: int
    username: str | None
    password: str | None
    protocol: MQTTProtocolVersion


def broker_address(settings: MqttSettings) -> BrokerAddress:
    """Where to connect: the configured URL, or the embedded broker (MQTT 3.1.1 only)."""
    if settings.url is None:
        return BrokerAddress(
            settings.embedded_host, settings.embedded_port, None, None, mqtt.MQTTv311
        )
    parts = urlsplit(settings.url)
    if parts.scheme not in ("mqtt", "mqttv311") or not parts.hostname:
        raise ValueError(
            f"MQTT URL must look like mqtt://user:password@host:1883, got {settings.url!r}"
        )
    return BrokerAddress(
        host=parts.hostname,
        port=parts.port or 1883,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        protocol=mqtt.MQTTv311 if parts.scheme == "mqttv311" else mqtt.MQTTv5,
    )


def receive_maximum(settings: MqttSettings) -> int:
    """How many unacknowledged messages the broker may send us (MQTT 5): a third of
    `queue_size`, and at least a batch, so the next batch arrives while one is written.

    Live traffic stays inside it. A backlog queued while the ingest was away does not:
    Mosquitto 2.0.11 was measured to send 18,917 unacknowledged messages of a 50,000
    backlog to a window of 1,666 (22,866 after a broker restart), so the hand-off queue
    still fills, and `_on_message` must wait without starving the connection.
    """
    return min(max(settings.batch_size, settings.queue_size // 3), 65535)


@dataclass(frozen=True)
class _Received:
    message: IncomingMessage
    mid: int
    qos: int
    connection: int
    """Which connection delivered it; a packet id is only meaningful on that connection."""


class MqttIngest:
    """Subscribes to `{prefix}/#` and stores what arrives on `{prefix}/readings/+`, in
    batches; what arrives elsewhere (but on the status topics it writes) is refused."""

    def __init__(
        self,
        *,
        settings: MqttSettings,
        session_factory: sessionmaker[Session],
        health: HealthRegistry,
        zone: ZoneInfo,
        broker_figures: bool | None = None,
    ) -> None:
        """`zone` is the deployment's time zone, whose local days the daily rollups count.
        `broker_figures` reads Mosquitto's `$SYS` figures for /health (amqtt has none); by
        default when a broker URL is set."""
        self._broker_figures = (
            settings.url is not None if broker_figures is None else broker_figures
        )
        self._settings = settings
        self._zone = zone
        self._session_factory = session_factory
        self._health = health
        self._address = broker_address(settings)
        self._queue: queue.Queue[_Received] = queue.Queue(maxsize=settings.queue_size)
        self.peak_backlog = 0
        """The most messages the queue held (a full queue means the network thread waited)."""
        self._stopping = threading.Event()
        self._connection = 0
        self._connected = threading.Event()
        self._subscribed = threading.Event()
        self._writer = threading.Thread(
            target=self._write_forever, name="ingest-writer", daemon=True
        )
        self.totals = IngestOutcome()
        self._last_commit = datetime.now(UTC)
        self.disconnects = 0
        """Connections lost while running (a starved network loop misses its keep-alive)."""
        self.longest_hand_off = 0.0
        """Seconds the network thread spent at most handing one message to the writer."""
        self._broker: dict[str, int] = {}
        self._broker_warned = False
        self._figures_mid: int | None = None
        self._client = self._make_client()

    @property
    def topic(self) -> str:
        return f"{self._settings.topic_prefix}/#"

    @property
    def _alerts_head(self) -> str:
        return f"{self._settings.topic_prefix}/alerts/"

    @property
    def _status_head(self) -> str:
        return status_topic("", prefix=self._settings.topic_prefix)

    def _make_client(self) -> mqtt.Client:
        v5 = self._address.protocol == mqtt.MQTTv5
        client = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=self._settings.client_id,
            protocol=self._address.protocol,
            clean_session=None if v5 else False,
            manual_ack=True,
        )
        if self._address.username:
            client.username_pw_set(self._address.username, self._address.password)
        client.reconnect_delay_set(min_delay=1, max_delay=30)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_subscribe = self._on_subscribe
        client.on_message = self._on_message
        return client

    def start(self) -> None:
        self._writer.start()
        options: dict[str, Any] = {}
        if self._address.protocol == mqtt.MQTTv5:
            properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
            properties.SessionExpiryInterval = SESSION_EXPIRY_SECONDS
            properties.ReceiveMaximum = receive_maximum(self._settings)
            options = {"clean_start": False, "properties": properties}
        self._client.connect_async(
            self._address.host, self._address.port, keepalive=self._settings.keepalive, **options
        )
        self._client.loop_start()

    def wait_until_subscribed(self, timeout: float) -> bool:
        return self._subscribed.wait(timeout)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop receiving, store what is queued if the database allows, then leave.

        Whatever is not acknowledged by then, the broker delivers again on the next start.
        """
        self._stopping.set()
        self._client.disconnect()
        self._writer.join(timeout)
        self._client.loop_stop()

    @property
    def backlog(self) -> int:
        return self._queue.qsize()

    # paho callbacks: run on paho's network thread, so they only record and enqueue.

    def _on_connect(
        self, client: mqtt.Client, _userdata: Any, _flags: Any, reason: Any, _props: Any
    ) -> None:
        if reason.is_failure:
            log.warning(
                "MQTT connection refused by %s:%s: %s",
                self._address.host,
                self._address.port,
                reason,
            )
            return
        self._connection += 1
        self._connected.set()
        log.info("MQTT connected to %s:%s", self._address.host, self._address.port)
        client.subscribe(self.topic, qos=1)
        if self._broker_figures:
            # Mosquitto's own figures, for the broker's backlog on /health; QoS 0, not queued.
            _, self._figures_mid = client.subscribe(
                [(SYS_STORED, 0), (SYS_RETAINED, 0), (SYS_DROPPED, 0)]
            )

    def _on_subscribe(
        self, _client: mqtt.Client, _userdata: Any, mid: int, reasons: Any, _props: Any
    ) -> None:
        if mid == self._figures_mid:  # the $SYS figures: the readings work without them
            if any(r.is_failure for r in reasons):
                log.warning("the broker refused its $SYS figures to the ingest: %s", reasons)
            return
        if all(not r.is_failure for r in reasons):
            self._subscribed.set()
        else:
            log.error("MQTT subscription to %s refused: %s", self.topic, reasons)

    def _on_disconnect(
        self, _client: mqtt.Client, _userdata: Any, _flags: Any, reason: Any, _props: Any
    ) -> None:
        self._connected.clear()
        self._subscribed.clear()
        if not self._stopping.is_set():
            self.disconnects += 1
            log.warning("MQTT disconnected (%s); paho reconnects with backoff", reason)

    def _on_message(self, _client: mqtt.Client, _userdata: Any, message: mqtt.MQTTMessage) -> None:
        try:
            topic = message.topic
        except UnicodeDecodeError:  # brokers refuse such topics; kept readable if one did not
            topic = bytes(message._topic).decode("utf-8", errors="replace")
        if topic.startswith("$SYS/"):
            self._on_broker_figure(message)
            return
        # Our own status and alert messages: nothing to store, nothing refused.
        if topic.startswith((self._status_head, self._alerts_head)):
            if message.qos > 0:
                self._client.ack(message.mid, message.qos)
            return
        received = IncomingMessage(
            topic,
            bytes(message.payload),
            datetime.now(UTC),
            redelivered=bool(message.dup or message.retain),
        )
        item = _Received(received, message.mid, message.qos, self._connection)
        try:
            self._queue.put_nowait(item)
            self.peak_backlog = max(self.peak_backlog, self._queue.qsize())
            return
        except queue.Full:
            pass
        # A full queue: waiting here is the back-pressure (the socket is not read, so TCP
        # holds the broker back). This is paho's network thread, so meanwhile it sends
        # what the writer acknowledged: those packets tell the broker the connection
        # lives, and make room in the window. When stopping, the message is left
        # unacknowledged for the next session.
        started = time.monotonic()
        while not self._stopping.is_set():
            try:
                self._queue.put(item, timeout=0.2)
                break
            except queue.Full:
                self._client.loop_write()
        self.longest_hand_off = max(self.longest_hand_off, time.monotonic() - started)

    def _on_broker_figure(self, message: mqtt.MQTTMessage) -> None:
        try:
            self._broker[message.topic] = int(message.payload)
        except ValueError:
            return
        queued = self.broker_queued
        if queued is None:
            return
        half = self._settings.broker_queue_limit // 2
        if queued > half and not self._broker_warned:
            log.warning(
                "the broker holds %d messages, over half its limit of %d: past the limit it "
                "drops new readings; see why the ingest is behind",
                queued,
                self._settings.broker_queue_limit,
            )
        self._broker_warned = queued > half

    @property
    def broker_queued(self) -> int | None:
        """Messages Mosquitto holds besides retained ones: about the ingest's queue there."""
        stored, retained = self._broker.get(SYS_STORED), self._broker.get(SYS_RETAINED)
        if stored is None or retained is None:
            return None
        return max(stored - retained, 0)

    # The writer: the only place that touches the database.

    def _write_forever(self) -> None:
        while True:
            batch = self._take_batch()
            self._beat(batch)
            if not batch:
                if self._stopping.is_set():
                    return
                continue
            try:
                stored = self._store(batch)
            except Exception:
                # Unacknowledged, the batch comes back on the next connection.
                log.exception("a batch of %d messages was not stored", len(batch))
                continue
            if not stored:
                return  # stopping while the database is down: leave the batch unacknowledged
            self._last_commit = datetime.now(UTC)
            self._acknowledge(batch)
            self._beat([])

    def _take_batch(self) -> list[_Received]:
        batch: list[_Received] = []
        deadline = time.monotonic() + self._settings.batch_seconds
        while len(batch) < self._settings.batch_size:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                batch.append(self._queue.get(timeout=remaining))
            except queue.Empty:
                break
        return batch

    def _store(self, batch: list[_Received]) -> bool:
        """Commit the batch, retrying while the database is unreachable; False if stopped first."""
        delay = 0.5
        while True:
            try:
                outcome = self._store_batch(batch)
            except Exception as error:
                if not is_outage(error):
                    raise
                if self._stopping.is_set():
                    return False
                log.warning(
                    "database unavailable, retrying a batch of %d in %.1fs: %s",
                    len(batch),
                    delay,
                    error,
                )
                self._beat(batch)
                time.sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            self._count(outcome)
            self._publish_status(outcome.rejected_stations)
            return True

    def _store_batch(self, batch: list[_Received]) -> IngestOutcome:
        try:
            return self._commit([r.message for r in batch])
        except Exception as error:
            if is_outage(error):
                raise
            log.exception("a batch could not be stored; storing its messages one by one")
            return self._store_one_by_one(batch)

    def _commit(self, messages: list[IncomingMessage]) -> IngestOutcome:
        with self._session_factory.begin() as session:
            return ingest_messages(
                session,
                messages=messages,
                topic_prefix=self._settings.topic_prefix,
                zone=self._zone,
                source=ReadingSource.MQTT,
            )

    def _store_one_by_one(self, batch: list[_Received]) -> IngestOutcome:
        """A message that still fails is kept as rejected, so it never blocks the ones after it.

        An outage on the way is raised: the whole batch is then retried, and what was stored
        already is recognised as duplicates.
        """
        total = IngestOutcome()
        for received in batch:
            try:
                outcome = self._commit([received.message])
            except Exception as error:
                if is_outage(error):
                    raise
                log.exception("message on %s could not be processed", received.message.topic)
                outcome = self._reject(received.message, f"could not be processed: {error!r}")
            total.add(outcome)
        return total

    def _reject(self, message: IncomingMessage, reason: str) -> IngestOutcome:
        code = station_code_from_topic(message.topic, topic_prefix=self._settings.topic_prefix)
        try:
            with self._session_factory.begin() as session:
                record_rejection(
                    session, mqtt_rejection(message, reason, code), source=ReadingSource.MQTT
                )
        except Exception as error:
            if is_outage(error):
                raise
            # Dropping one message is better than stopping every one after it.
            log.exception("message on %s dropped: not even its rejection stored", message.topic)
        return IngestOutcome(rejected=1, rejected_stations={code} if code else set())

    def _publish_status(self, codes: set[str]) -> None:
        """Tell each station's device, on its retained status topic, its last refusal.

        After the commit, so a device never reads of a refusal that was rolled back. A
        failure here loses only this notice: the next refusal publishes it again.
        """
        if not codes:
            return
        try:
            with self._session_factory() as session:
                statuses = rejection_status(session, codes)
        except Exception:
            log.warning("could not read the status of stations %s", sorted(codes), exc_info=True)
            return
        prefix = self._settings.topic_prefix
        for status in statuses:
            self._client.publish(
                status_topic(status.station, prefix=prefix),
                status.model_dump_json(),
                qos=1,
                retain=True,
            )

    def _acknowledge(self, batch: list[_Received]) -> None:
        for received in batch:
            if received.qos > 0 and received.connection == self._connection:
                self._client.ack(received.mid, received.qos)

    def _count(self, outcome: IngestOutcome) -> None:
        self.totals.accepted += outcome.accepted
        self.totals.duplicates += outcome.duplicates
        self.totals.rejected += outcome.rejected

    def _beat(self, in_hand: list[_Received]) -> None:
        """Report figures, and whether messages wait on a writer that stopped committing:
        `in_hand` is the batch being stored, which is older than anything queued."""
        with self._queue.mutex:
            head = self._queue.queue[0] if self._queue.queue else None
            queued = len(self._queue.queue)
        oldest = in_hand[0] if in_hand else head
        now = datetime.now(UTC)
        waiting_seconds = (now - oldest.message.received_at).total_seconds() if oldest else 0.0
        # Stalled is measured from the later of the last commit and the oldest message's
        # arrival: before it arrived there was nothing to do.
        progress = max(self._last_commit, oldest.message.received_at) if oldest else now
        broker: dict[str, int] = {}
        warning = None
        if (broker_queued := self.broker_queued) is not None:
            broker["broker_queued"] = broker_queued
            limit = self._settings.broker_queue_limit
            broker["broker_queue_warning"] = limit // 2
            if broker_queued > limit // 2:
                warning = (
                    f"the broker holds {broker_queued} messages, over half its limit of "
                    f"{limit}; past it, new readings are dropped"
                )
        if (dropped := self._broker.get(SYS_DROPPED)) is not None:
            broker["broker_dropped"] = dropped
        self._health.beat(
            "ingest",
            waiting=len(in_hand) + queued,
            last_progress=progress,
            stall_after=self._settings.stall_seconds,
            warning=warning,
            connected=self._connected.is_set(),
            disconnects=self.disconnects,
            longest_hand_off_seconds=round(self.longest_hand_off, 3),
            peak_backlog=self.peak_backlog,
            backlog=queued,
            oldest_waiting_seconds=round(waiting_seconds, 1),
            last_commit=self._last_commit.isoformat(),
            accepted=self.totals.accepted,
            duplicates=self.totals.duplicates,
            rejected=self.totals.rejected,
            **broker,
        )
