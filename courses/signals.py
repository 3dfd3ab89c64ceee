"""Signals the courses package sends, for higher packages (talent, reports) to subscribe
to in their own ``init_app``.

``course_completed``   sender: the completed Enrolment; keyword ``now``.
``enrolment_changed``  sender: an Enrolment whose state has just changed (any path:
                       request, approval, move-up, promotion, cancellation, expiry,
                       attendance, result); keywords ``actor``, ``from_state``,
                       ``to_state``, ``now``. Sent by ``lifecycle.audit_transition``,
                       after the change and in its transaction (budget bookings).
"""

from __future__ import annotations

from blinker import Namespace

signals = Namespace()

course_completed = signals.signal("course-completed")
enrolment_changed = signals.signal("enrolment-changed")
