"""Signals the talent package sends, for higher packages (reports) to subscribe to in
their own ``init_app`` (talent never imports reports).

``programme_graduated``  sender: the graduated ``CohortMember``; keywords ``now`` (aware
                         UTC datetime) and ``actor`` (the User whose action completed the
                         curriculum, or None for automatic work).
"""

from __future__ import annotations

from blinker import Namespace

signals = Namespace()

programme_graduated = signals.signal("programme-graduated")
