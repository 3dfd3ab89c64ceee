"""HR report pages and their exports (registered on the ``reports`` blueprint when
imported by ``reports.init_app``)."""
