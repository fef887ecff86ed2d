"""Money: the price of a brief's tokens from the providers' published price lists.

Prices come from pydantic's ``genai-prices`` (a maintained, versioned snapshot of the
providers' price pages, with batch rates where a provider publishes them; no network call:
its bundled snapshot is used). The provider is identified by the base URL (api.openai.com,
openrouter.ai, ...); a local or self-hosted server, or a model the list does not know, has no
price: :func:`price` returns None, never a guess.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from summarizer.brief import Cost, Usage

__all__ = ["price"]

log = logging.getLogger(__name__)


@lru_cache(maxsize=256)
def _rate(model: str, base_url: str, batch: bool) -> tuple[float, float] | None:
    """USD per input token and per output token, or None when unknown."""
    from genai_prices import Usage as Tokens
    from genai_prices import calc_price

    context = {"processing": "batch"} if batch else None
    try:
        million = 1_000_000
        result = calc_price(
            Tokens(input_tokens=million, output_tokens=0),
            model_ref=model,
            provider_api_url=base_url,
            price_context=context,
        )
        per_in = float(result.total_price) / million
        result = calc_price(
            Tokens(input_tokens=0, output_tokens=million),
            model_ref=model,
            provider_api_url=base_url,
            price_context=context,
        )
        return per_in, float(result.total_price) / million
    except (LookupError, ValueError) as exc:
        log.debug("no price for %s at %s: %s", model, base_url, exc)
        return None


def price(usage: Usage, *, model: str, base_url: str | None, batch: bool = False) -> Cost | None:
    """The cost of ``usage`` at ``model``'s published price, or None when it is not known."""
    if not base_url:
        return None
    rate = _rate(model, base_url.rstrip("/"), batch)
    if rate is None:
        return None
    amount = usage.prompt_tokens * rate[0] + usage.completion_tokens * rate[1]
    return Cost(amount=round(amount, 6), batch=batch)
