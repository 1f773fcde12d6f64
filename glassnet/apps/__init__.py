"""Ready-to-run applications behind the ``glassnet`` command (``glassnet digits``)."""
