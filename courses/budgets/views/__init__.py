"""The budget pages: the overview and a unit's page (heads, HR), HR's settings and the
finance department's files."""
