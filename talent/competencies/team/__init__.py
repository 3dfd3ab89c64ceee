"""The team view and what is made from it: the page's view (``view``: figures from the
database, levels for the page's members), the cells of its table (``cells``), the grid of
every member (``grid``) and its files (``export``)."""
