"""Signals the courses package sends, for higher packages (talent, reports) to subscribe
to in their own ``init_app``.

``course_completed``   sender: the completed Enrolment; keyword ``now``.
``enrolment_changed``  sender: the Enrolment; keywords ``from_state``, ``to_state``,
                       ``actor`` (User or None for scheduled work) and ``now``.
"""

from __future__ import annotations

from blinker import Namespace

signals = Namespace()

course_completed = signals.signal("course-completed")
enrolment_changed = signals.signal("enrolment-changed")
