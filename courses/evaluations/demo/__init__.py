"""The ``evaluations`` step of ``flask academy demo``."""
