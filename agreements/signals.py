"""What the agreements app tells the apps above it, which it may not import.

Import direction: ``councils`` ← ``agreements`` ← ``pledges``. The notices of an
agreement (in-app and e-mail) live with the pledges' notices in ``pledges``, so
``agreements`` announces the moments and ``pledges`` (``PledgesConfig.ready``)
connects the receivers. Both signals are sent inside the service's transaction: a
notice is created with the change or not at all, and its e-mail is queued on commit.

- ``agreement_submitted``: the agreement is sent for signature. Arguments:
  ``agreement``, ``user`` (who sent it).
- ``agreement_signed``: one party has signed. Arguments: ``agreement``, ``user``,
  ``party`` ("municipality" or "police"), ``complete`` (both have now signed).
"""

from __future__ import annotations

from django.dispatch import Signal

agreement_submitted = Signal()
agreement_signed = Signal()
