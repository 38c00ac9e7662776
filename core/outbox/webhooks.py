"""Which webhook addresses dustwatch may send to: https only, and never to this machine, the
internal network or a cloud's metadata service (server-side request forgery).

Checked when a subscription is saved and again before each send, on the addresses the name
resolves to at that moment; the sender then connects to the address it checked, so a name
that resolves elsewhere a second later (DNS rebinding) cannot slip through.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from core.kit.errors import InvalidInput
from core.settings import DeliverySettings

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeWebhook(InvalidInput):
    """A webhook address dustwatch will not send to."""


@dataclass(frozen=True)
class WebhookPolicy:
    allow_http: bool = False
    """Plain http:// too (DUSTWATCH_DELIVERY__ALLOW_HTTP_WEBHOOKS)."""
    allow_private: bool = False
    """Loopback, private and link-local addresses too (…__ALLOW_PRIVATE_WEBHOOKS)."""

    @classmethod
    def from_settings(cls, settings: DeliverySettings) -> WebhookPolicy:
        return cls(
            allow_http=settings.allow_http_webhooks,
            allow_private=settings.allow_private_webhooks,
        )


def _public(address: IpAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def resolve(host: str, port: int) -> list[IpAddress]:
    """Every address `host` resolves to now, in the resolver's order."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise UnsafeWebhook(f"the webhook host {host!r} could not be resolved ({error})") from None
    addresses: list[IpAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).partition("%")[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def check_webhook_address(url: str, policy: WebhookPolicy) -> list[IpAddress] | None:
    """Raises `UnsafeWebhook` with the reason when `url` may not be sent to. Returns the
    addresses its host resolves to, all of them public, to connect to one of these; None when
    the policy allows private addresses and so nothing was resolved."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UnsafeWebhook(f"not a webhook URL: {error}") from None
    allowed = ("https", "http") if policy.allow_http else ("https",)
    if parts.scheme not in allowed:
        raise UnsafeWebhook(
            "a webhook address must start with https:// (plain http:// only when "
            "DUSTWATCH_DELIVERY__ALLOW_HTTP_WEBHOOKS is set)"
        )
    host = parts.hostname
    if not host:
        raise UnsafeWebhook("a webhook address needs a host name")
    if policy.allow_private:
        return None
    addresses = resolve(host, port or (443 if parts.scheme == "https" else 80))
    for address in addresses:
        if not _public(address):
            raise UnsafeWebhook(
                f"the webhook host {host!r} is, or resolves to, {address}: a loopback, private "
                "or link-local address, which dustwatch does not send to (unless "
                "DUSTWATCH_DELIVERY__ALLOW_PRIVATE_WEBHOOKS is set)"
            )
    return addresses
