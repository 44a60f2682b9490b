"""Who is asking: the client's address, as the nearest trusted proxy saw it.

Behind a reverse proxy every request comes from the proxy's address; the client's own is in
a header the proxy adds (X-Forwarded-For by default). That header is believed only when the
request comes from a configured trusted proxy, and only as far as the chain of trusted
proxies goes: the right-most address that is not a trusted proxy is the client (addresses
further left were written by the client itself and prove nothing).
"""

import ipaddress
from functools import cache

from django.conf import settings


@cache
def trusted_networks(proxies):
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def parse_address(text):
    """An IP address from a header or REMOTE_ADDR, or None when it is not one."""
    text = text.strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]  # [v6]:port
    elif text.count(":") == 1:
        text = text.split(":")[0]  # v4:port
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def is_trusted(address):
    networks = trusted_networks(tuple(settings.TRUSTED_PROXIES))
    return address is not None and any(address in network for network in networks)


def client_ip(request):
    """The client's IP address as text (REMOTE_ADDR unless it is a trusted proxy)."""
    remote = parse_address(request.META.get("REMOTE_ADDR", ""))
    if not is_trusted(remote):
        return str(remote) if remote is not None else "0.0.0.0"
    header = request.META.get(settings.CLIENT_IP_HEADER, "")
    for hop in reversed(header.split(",")[-32:]):
        address = parse_address(hop)
        if address is None:
            break  # a malformed hop: the proxy that passed it on is all that is known
        remote = address
        if not is_trusted(address):
            break
    return str(remote)
