"""Which addresses a callback may reach (server-side request forgery): only globally reachable ones.

An IPv6 address can carry an IPv4 address inside it (the transition mechanisms); a router or translator on the
way may deliver the packet to that IPv4 address, so the one inside is held to the same rules. Without this,
`2002:a9fe:a9fe::1` (6to4 of 169.254.169.254, the cloud's metadata endpoint) passes as a global address.
"""

from __future__ import annotations

import ipaddress
from ipaddress import IPv4Address, IPv6Address, IPv6Network

# RFC 4291 §2.5.5.1 (deprecated, still routed by some stacks): ::a.b.c.d, except :: and ::1 themselves.
IPV4_COMPATIBLE = IPv6Network("::/96")
# RFC 6052: the well-known NAT64 prefix, and RFC 8215's local-use prefix.
NAT64_WELL_KNOWN = IPv6Network("64:ff9b::/96")
NAT64_LOCAL_USE = IPv6Network("64:ff9b:1::/48")
# The prefix lengths RFC 6052 §2.2 allows; a local-use prefix may be any of them inside its /48.
_NAT64_PREFIX_LENGTHS = (48, 56, 64, 96)


def _nat64_ipv4(address: IPv6Address, prefix_length: int) -> IPv4Address:
    """The IPv4 address at the place RFC 6052 §2.2 puts it for this prefix length (bits 64–71 are skipped)."""
    packed = address.packed
    start = prefix_length // 8
    octets = [i for i in range(start, 16) if i != 8][:4]
    return IPv4Address(bytes(packed[i] for i in octets))


def ingebedde_ipv4(address: IPv6Address) -> list[IPv4Address]:
    """Every IPv4 address this IPv6 address may stand for: IPv4-mapped, IPv4-compatible, 6to4, Teredo (server
    and client), NAT64 (well-known and local-use). Empty for a plain IPv6 address."""
    found: list[IPv4Address] = []
    if address.ipv4_mapped is not None:
        found.append(address.ipv4_mapped)
    if address in IPV4_COMPATIBLE and int(address) > 1:
        found.append(IPv4Address(int(address) & 0xFFFFFFFF))
    if address.sixtofour is not None:
        found.append(address.sixtofour)
    if address.teredo is not None:
        found.extend(address.teredo)
    if address in NAT64_WELL_KNOWN:
        found.append(_nat64_ipv4(address, 96))
    elif address in NAT64_LOCAL_USE:
        found.extend(_nat64_ipv4(address, length) for length in _NAT64_PREFIX_LENGTHS)
    return found


def _niet_globaal(address: IPv4Address | IPv6Address) -> bool:
    return (
        address.is_loopback
        or address.is_link_local
        or address.is_private
        or address.is_unspecified
        or address.is_multicast
        or address.is_reserved
        or not address.is_global
    )


def verboden(address: IPv4Address | IPv6Address) -> bool:
    """Whether a callback may not be delivered to this address."""
    if isinstance(address, IPv6Address):
        if address.ipv4_mapped is not None:
            # The IPv4 address itself, written as IPv6 (::ffff:0:0/96 would otherwise count as reserved).
            return _niet_globaal(address.ipv4_mapped)
        if address in NAT64_LOCAL_USE:
            # A translator of our own network by definition (RFC 8215), whatever it embeds.
            return True
        if any(_niet_globaal(v4) for v4 in ingebedde_ipv4(address)):
            return True
    return _niet_globaal(address)


def adres(text: str) -> IPv4Address | IPv6Address:
    """An address as a resolver gives it, without an IPv6 zone (`fe80::1%eth0`)."""
    return ipaddress.ip_address(text.split("%", 1)[0])
