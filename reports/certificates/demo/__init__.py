"""The certificates step of ``flask academy demo`` (registered when ``step`` is imported)."""
