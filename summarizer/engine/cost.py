"""Money: the price of a brief's tokens from the providers' published price lists.

Prices come from pydantic's ``genai-prices`` (a maintained, versioned snapshot of the
providers' price pages, with batch rates where a provider publishes them; no network call:
its bundled snapshot is used). The provider is identified by the base URL (api.openai.com,
openrouter.ai, ...), or named outright (``provider``: a genai-prices provider id such as
``openai``) for a provider's model served from another address (a proxy, a gateway, a test
server); a local or self-hosted server, or a model the list does not know, has no price:
:func:`price` returns None, never a guess.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from summarizer.output.brief import Cost, Usage

__all__ = ["Pricer", "price"]

log = logging.getLogger(__name__)


@lru_cache(maxsize=256)
def _rate(
    model: str, base_url: str | None, batch: bool, provider: str | None = None
) -> tuple[float, float] | None:
    """USD per input token and per output token, or None when unknown."""
    million = 1_000_000
    try:
        per_in = _price_of(million, 0, model, base_url, batch, provider) / million
        per_out = _price_of(0, million, model, base_url, batch, provider) / million
    except (LookupError, ValueError) as exc:
        log.debug("no price for %s at %s (provider %s): %s", model, base_url, provider, exc)
        return None
    return per_in, per_out


def _price_of(
    tokens_in: int, tokens_out: int, model: str, url: str | None, batch: bool, provider: str | None
) -> float:
    from genai_prices import Usage as Tokens
    from genai_prices import calc_price

    tokens = Tokens(input_tokens=tokens_in, output_tokens=tokens_out)
    context = {"processing": "batch"} if batch else None
    if provider:
        found = calc_price(tokens, model, provider_id=provider, price_context=context)
    else:
        found = calc_price(tokens, model, provider_api_url=url, price_context=context)
    return float(found.total_price)


def price(
    usage: Usage,
    *,
    model: str,
    base_url: str | None,
    batch: bool = False,
    provider: str | None = None,
) -> Cost | None:
    """The cost of ``usage`` at ``model``'s published price, or None when it is not known
    (``provider``: price as this genai-prices provider, whatever the base URL)."""
    if not base_url and not provider:
        return None
    rate = _rate(model, base_url.rstrip("/") if base_url else None, batch, provider)
    if rate is None:
        return None
    amount = usage.prompt_tokens * rate[0] + usage.completion_tokens * rate[1]
    return Cost(amount=round(amount, 6), batch=batch)


@lru_cache(maxsize=64)
def listed_by(model: str) -> str | None:
    """The provider whose price list has a model of this name, whatever the address, or None.

    Never used to price a brief: the same name on another server (an Ollama distil named
    like a hosted model, a proxy with its own prices) is not that provider's model. It only
    lets the program say which ``price_provider`` would apply.
    """
    from genai_prices import Usage as Tokens
    from genai_prices import calc_price

    try:
        found = calc_price(Tokens(input_tokens=1, output_tokens=1), model)
    except (LookupError, ValueError):
        return None
    return str(found.provider.id)


class Pricer:
    """The prices of one backend's usage: nothing for the embedded model, else the
    published price (None when unknown; the reason said once, when there is one to say)."""

    def __init__(
        self, model: str, base_url: str | None, *, embedded: bool, provider: str | None
    ) -> None:
        self.model, self.base_url, self.embedded, self.provider = (
            model,
            base_url,
            embedded,
            provider,
        )
        self._hinted = False

    def __call__(self, usage: Usage, *, batch: bool = False) -> Cost | None:
        if self.embedded:
            return Cost(amount=0.0, batch=batch)  # as estimated
        cost = price(usage, model=self.model, base_url=self.base_url, batch=batch,
                     provider=self.provider)  # fmt: skip
        if cost is None and not self._hinted:
            self._hinted = True
            self._hint()
        return cost

    def _hint(self) -> None:
        """Say once why a model that has a published price got none here."""
        maker = None if self.provider else listed_by(self.model)
        if maker is not None:
            model, url = self.model, self.base_url
            log.warning(
                "no price for %s at %s: that address is not %s's; if it serves %s's %s at "
                "its price, set --price-provider %s (config price_provider); cost stays null",
                model, url, maker, maker, model, maker,
            )  # fmt: skip
