"""Price table for cost estimates: US dollars per million tokens (input, output).

One place to update. Override or extend with IMR_LLM_PRICES='{"model": [in, out]}'.
A model not listed has no cost estimate (null), never a guess. Local servers cost nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

PRICES_PER_MILLION: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
}


def cost_usd(
    model: str,
    prompt_tokens: int,
    completion_tokens: int,
    *,
    overrides: Mapping[str, tuple[float, float]] | None = None,
    local: bool = False,
) -> float | None:
    if local:
        return 0.0
    table = {**PRICES_PER_MILLION, **(overrides or {})}
    price = table.get(model)
    if price is None:
        return None
    return round((prompt_tokens * price[0] + completion_tokens * price[1]) / 1_000_000, 6)
