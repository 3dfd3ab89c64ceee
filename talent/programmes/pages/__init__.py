"""Page building for the fast-track views: what a page shows, gathered by plain functions
(no routes here), so that the views stay thin."""
