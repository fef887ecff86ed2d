"""The identity of an article across sources: its normalized URL, its feed entry id, its
text hash (``url:``, ``guid:``, ``hash:`` keys, strongest first)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = ["identity_keys", "normalize_url", "strip_tracking"]

# Query parameters that say how a reader got to a page, not which page it is.
_TRACKING = frozenset(
    {"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "mc_cid",
     "mc_eid", "_ga", "_gl", "ref", "ref_src", "ref_url", "cmpid", "spm", "smid", "ncid",
     "ocid", "cid", "sr_share", "s_cid", "at_medium", "at_campaign", "__twitter_impression",
     "guccounter", "guce_referrer", "guce_referrer_sig", "output", "amp"}
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "mtm_", "pk_", "hsa_", "oly_", "vero_")


def normalize_url(url: str) -> str:
    """The URL that names the page: lower-case scheme and host, no ``www.``, default
    port, fragment or tracking parameters; remaining parameters sorted."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().removeprefix("www.")
    try:
        port = parts.port
    except ValueError:
        port = None
    if port and (scheme, port) not in {("http", 80), ("https", 443)}:
        host = f"{host}:{port}"
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if _kept(k))
    # http and https name the same article: keep one scheme in the identity.
    return urlunsplit(("https" if scheme in ("http", "https") else scheme, host, path,
                       urlencode(query), ""))  # fmt: skip


def _kept(key: str) -> bool:
    return key.lower() not in _TRACKING and not key.lower().startswith(_TRACKING_PREFIXES)


def strip_tracking(url: str) -> str:
    """``url`` without tracking parameters (``utm_*``, ``fbclid``, ...); the rest as given."""
    parts = urlsplit(url.strip())
    if not parts.query:
        return url.strip()
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if _kept(k)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def identity_keys(
    *, url: str | None = None, guid: str | None = None, text_hash: str | None = None
) -> list[str]:
    """The identity keys of an article, strongest first."""
    keys = []
    if guid:
        keys.append(f"guid:{guid.strip()}")
    if url:
        keys.append(f"url:{normalize_url(url)}")
    if text_hash:
        keys.append(f"hash:{text_hash}")
    return keys
