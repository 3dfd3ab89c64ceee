"""Signals the courses package sends, for higher packages (talent, reports) to subscribe
to in their own ``init_app``.

``course_completed``   sender: the completed Enrolment; keyword ``now``.
"""

from __future__ import annotations

from blinker import Namespace

signals = Namespace()

course_completed = signals.signal("course-completed")
