"""Training budgets and costs: a yearly budget per department (rolled up through the
tree), the cost of a place (course price, shares of the trainer's fee and the room,
travel of an external training) booked against the participant's department as the
enrolment moves through its lifecycle, the heads' and HR's pages, the forecast and the
finance department's CSV files."""

from __future__ import annotations


def register() -> None:
    """Tables, pages, the booking receiver, tick step, command, demo step, registries."""
    from academy.cli import academy_cli
    from academy.scheduler import register_tick_step
    from courses.budgets import audit, models, personal_data, retention  # noqa: F401
    from courses.budgets.bookings import on_enrolment_changed
    from courses.budgets.cli import budgets_cli
    from courses.budgets.demo import register_step
    from courses.budgets.ledger import reprice_open
    from courses.budgets.panels import register_panels
    from courses.budgets.views import management, overview  # noqa: F401
    from courses.signals import enrolment_changed

    enrolment_changed.connect(on_enrolment_changed)
    audit.register()
    personal_data.register_sections()
    retention.register_retention_rules()
    register_tick_step("budgets", reprice_open, order=35)
    academy_cli.add_command(budgets_cli)
    register_panels()
    register_step()
