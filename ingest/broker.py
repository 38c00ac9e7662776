"""An in-process MQTT broker (amqtt) for the embedded, single-machine setup."""

from __future__ import annotations

import asyncio
import logging
import threading

from amqtt.broker import Broker

from core.kit.ports import ensure_port_free

log = logging.getLogger(__name__)


class EmbeddedBroker:
    """Runs amqtt on its own event loop in a daemon thread; anonymous, loopback by default.

    It keeps sessions in memory only: messages it holds are lost if the process stops,
    which is why production uses Mosquitto with persistence.
    """

    def __init__(self, *, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="mqtt-broker", daemon=True
        )
        self._broker: Broker | None = None

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
            "listeners": {"default": {"type": "tcp", "bind": f"{self.host}:{self.port}"}},
            "plugins": {
                "amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True},
            },
        }
        self._broker = Broker(config, loop=self._loop)
        await self._broker.start()

    def stop(self, timeout: float = 10.0) -> None:
        if self._broker is not None and self._loop.is_running():
            try:
                asyncio.run_coroutine_threadsafe(self._broker.shutdown(), self._loop).result(
                    timeout
                )
            except Exception:  # shutting down: log, never mask the caller's own exit
                log.warning("embedded broker did not shut down cleanly", exc_info=True)
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread.is_alive():
            self._thread.join(timeout)
