"""The results pages and files of course evaluations (registered on the ``reports``
blueprint when imported by ``reports.evaluations.register``)."""
