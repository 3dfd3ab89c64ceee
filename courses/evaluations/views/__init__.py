"""The pages of course evaluations, by audience: the participant's (``participant``),
HR's questionnaires (``questionnaires``), HR's settings for courses and sessions and the
rounds (``settings``). The results are shown by ``reports.evaluations``."""
