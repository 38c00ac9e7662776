"""An in-process MQTT broker (amqtt) for the embedded, single-machine setup.

It applies the same rule as Mosquitto with the generated files: nobody signs in without a
password; a device signs in with its station code (checked by a function given to it), the
ingest as `dustwatch-ingest`; the client id must be the user name; a device publishes only
to its own readings topic and reads only its own status topic; the ingest reads everything
under the prefix and writes the status topics.

amqtt looks up, and with a clean session discards, the session of a client id before its
plugins authenticate the client. So the broker's own TCP server reads each CONNECT first
and hands only signed-in clients, whose client id is their user name, to amqtt (as an
"external" listener), where authentication and topic plugins check them again.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from amqtt.adapters import ReaderAdapter, StreamReaderAdapter, StreamWriterAdapter
from amqtt.broker import Broker
from amqtt.contexts import Action
from amqtt.errors import MQTTError, NoDataError
from amqtt.mqtt import connack
from amqtt.mqtt.connack import ConnackPacket
from amqtt.mqtt.connect import ConnectPacket
from amqtt.mqtt.packet import CONNECT
from amqtt.plugins.base import BaseAuthPlugin, BaseTopicPlugin
from amqtt.session import Session

from core.devices.topics import ALERTS_USER, INGEST_USER, may_publish, may_subscribe
from core.kit.ports import ensure_port_free

log = logging.getLogger(__name__)

DeviceCheck = Callable[[str, str], bool]
"""(station code, password) -> whether that device may sign in. Called on a worker thread."""

CONNECT_SECONDS = 10.0
"""How long a new connection may take to send its CONNECT."""

_LISTENER = "default"

# CONNACK return codes of MQTT 3.1.1 (amqtt's constants, typed).
ACCEPTED: int = connack.CONNECTION_ACCEPTED
IDENTIFIER_REJECTED: int = connack.IDENTIFIER_REJECTED
SERVER_UNAVAILABLE: int = connack.SERVER_UNAVAILABLE
BAD_USERNAME_PASSWORD: int = connack.BAD_USERNAME_PASSWORD
NOT_AUTHORIZED: int = connack.NOT_AUTHORIZED


class EmbeddedBroker:
    """Runs amqtt on its own event loop in a daemon thread, loopback by default.

    It keeps sessions in memory only: messages it holds are lost if the process stops,
    which is why production uses Mosquitto with persistence. amqtt also forgets a QoS 1
    message it sent on a connection that closes before the PUBACK, so a client that leaves
    and comes back while the broker runs should wait until `connected` says it has gone.
    """

    def __init__(
        self,
        *,
        host: str,
        port: int,
        topic_prefix: str,
        ingest_password: str,
        check_device: DeviceCheck,
        alerts_password: str | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self._prefix = topic_prefix
        self._ingest_password = ingest_password
        self._alerts_password = alerts_password
        self._check_device = check_device
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="mqtt-broker", daemon=True
        )
        self._broker: Broker | None = None
        self._server: asyncio.Server | None = None

    def start(self, timeout: float = 15.0) -> None:
        ensure_port_free(
            self.host,
            self.port,
            what="The embedded MQTT broker",
            hint="Choose another with --mqtt-port (DUSTWATCH_MQTT__EMBEDDED_PORT), "
            "or use that broker with DUSTWATCH_MQTT__URL=mqtt://host:port.",
        )
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._start(), self._loop)
        future.result(timeout)
        log.info("embedded MQTT broker listening on %s:%s", self.host, self.port)

    async def _start(self) -> None:
        config = {
            "listeners": {_LISTENER: {"type": "external", "bind": f"{self.host}:{self.port}"}},
            "plugins": {
                f"{__name__}.SignedInOnly": {"answer": self._answer},
                f"{__name__}.TopicRule": {"prefix": self._prefix},
            },
        }
        self._broker = _DeliveringBroker(config, loop=self._loop)
        await self._broker.start()
        self._server = await asyncio.start_server(self._accept, self.host, self.port)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Read the CONNECT; refuse it, or give the connection to amqtt from its start."""
        assert self._broker is not None
        stream = _Replay(StreamReaderAdapter(reader))
        out = StreamWriterAdapter(writer)
        try:
            connect = await asyncio.wait_for(ConnectPacket.from_stream(stream), CONNECT_SECONDS)
        except (MQTTError, NoDataError, ConnectionError, TimeoutError, ValueError) as error:
            log.info("MQTT connection closed before a valid CONNECT: %r", error)
            await out.close()
            return
        if connect.fixed_header.packet_type != CONNECT:
            await out.close()
            return
        answer = await self._answer(connect.username, connect.password, connect.client_id)
        if answer != ACCEPTED:
            log.warning(
                "MQTT sign-in refused for user %r, client id %r (CONNACK code %d)",
                connect.username,
                connect.client_id,
                answer,
            )
            await ConnackPacket.build(0, answer).to_stream(out)
            await out.close()
            return
        stream.replay()
        await self._broker.external_connected(stream, out, _LISTENER)

    async def _answer(self, user: str | None, password: str | None, client_id: str | None) -> int:
        """The CONNACK code for these credentials: accepted only when the password is
        right and the client id is the user name."""
        if not user or password is None:
            return NOT_AUTHORIZED
        if client_id != user:
            return IDENTIFIER_REJECTED
        if user == INGEST_USER:
            right = secrets.compare_digest(password.encode(), self._ingest_password.encode())
        elif user == ALERTS_USER:
            expected = self._alerts_password
            right = expected is not None and secrets.compare_digest(
                password.encode(), expected.encode()
            )
        else:
            try:
                right = await asyncio.to_thread(self._check_device, user, password)
            except Exception:  # the store is down: refuse this one, keep serving the others
                log.warning("could not check the MQTT password of %r", user, exc_info=True)
                return SERVER_UNAVAILABLE
        return ACCEPTED if right else BAD_USERNAME_PASSWORD

    def connected(self, client_id: str, timeout: float = 5.0) -> bool:
        """Whether amqtt holds a live connection for this client id right now."""
        future = asyncio.run_coroutine_threadsafe(self._connected(client_id), self._loop)
        return future.result(timeout)

    async def _connected(self, client_id: str) -> bool:
        assert self._broker is not None
        entry = self._broker.sessions.get(client_id)
        return entry is not None and entry[0].transitions.state == "connected"

    def stop(self, timeout: float = 10.0) -> None:
        if self._broker is not None and self._loop.is_running():
            try:
                asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(timeout)
            except Exception:  # shutting down: log, never mask the caller's own exit
                log.warning("embedded broker did not shut down cleanly", exc_info=True)
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread.is_alive():
            self._thread.join(timeout)
        if not self._thread.is_alive() and not self._loop.is_closed():
            self._loop.close()

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        assert self._broker is not None
        await self._broker.shutdown()


class _DeliveringBroker(Broker):  # type: ignore[misc]  # amqtt has no type hints
    """amqtt acknowledges a PUBLISH when it reads it and passes it on later, one at a time;
    when the client disconnects, amqtt leaves what it has not passed on yet in the session's
    queue and forgets it. A device that publishes a burst and leaves would lose readings the
    broker had acknowledged. This passes the rest on after amqtt's loop ends."""

    async def _client_message_loop(self, client_session: Session, handler: Any) -> None:
        await super()._client_message_loop(client_session, handler)
        waiting = client_session.delivered_message_queue
        while not waiting.empty():
            delivered: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
            delivered.set_result(waiting.get_nowait())
            await self._handle_message_delivery(client_session, handler, delivered)


class _Replay(ReaderAdapter):  # type: ignore[misc]  # amqtt has no type hints
    """Records what is read until `replay()`, then gives those bytes back before the rest of
    the stream: amqtt reads the CONNECT again, byte for byte as it was sent."""

    def __init__(self, inner: ReaderAdapter) -> None:
        self._inner = inner
        self._recording = True
        self._buffer = bytearray()

    def replay(self) -> None:
        self._recording = False

    async def read(self, n: int = -1) -> bytes:
        if self._recording:
            data = bytes(await self._inner.read(n))
            self._buffer.extend(data)
            return data
        if not self._buffer:
            return bytes(await self._inner.read(n))
        if n < 0 or n >= len(self._buffer):
            head = bytes(self._buffer)
            self._buffer.clear()
            rest = bytes(await self._inner.read(n - len(head))) if n > len(head) else b""
            return head + rest
        head = bytes(self._buffer[:n])
        del self._buffer[:n]
        return head

    def feed_eof(self) -> None:
        self._inner.feed_eof()


class SignedInOnly(BaseAuthPlugin):  # type: ignore[misc]
    """amqtt's authentication, the same check as at the door: no anonymous access."""

    @dataclass
    class Config:
        answer: Any = None
        """EmbeddedBroker._answer: (user, password, client id) -> CONNACK code."""

    async def authenticate(self, *, session: Session) -> bool:
        answer: Callable[[str | None, str | None, str | None], Awaitable[int]] = self.config.answer
        code = await answer(session.username, session.password, session.client_id)
        return code == ACCEPTED


class TopicRule(BaseTopicPlugin):  # type: ignore[misc]
    """core.devices.topics applied to every publish, subscribe and delivery."""

    @dataclass
    class Config:
        prefix: str = ""

    async def topic_filtering(
        self,
        *,
        session: Session | None = None,
        topic: str | None = None,
        action: Action | None = None,
    ) -> bool:
        if session is None or topic is None:
            return False
        prefix: str = self.config.prefix
        if action == Action.PUBLISH:
            allowed = may_publish(session.username, topic, prefix=prefix)
            if not allowed:
                log.warning("MQTT user %r may not publish to %s: dropped", session.username, topic)
            return allowed
        return may_subscribe(session.username, topic, prefix=prefix)
