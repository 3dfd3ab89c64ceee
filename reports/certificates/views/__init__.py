"""Certificate pages (registered on the ``reports`` blueprint when imported by
``reports.init_app``)."""
