"""Every write through the API is in the record's history with the token's name: the
historical row's change reason reads "API: <token name>"."""

from __future__ import annotations

from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record


def reason(token) -> str:
    return f"API: {token.name}"[:100]


@receiver(pre_create_historical_record)
def _record_token(sender, instance, history_instance, **kwargs) -> None:
    request = getattr(HistoricalRecords.context, "request", None)
    token = getattr(request, "api_token", None)
    if token is not None and hasattr(history_instance, "history_change_reason"):
        history_instance.history_change_reason = reason(token)
