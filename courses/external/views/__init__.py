"""Pages of external training requests: the employee's (request, own list, withdraw),
a request's page with its files (everyone who may see it), and the deciders' (heads, HR)."""
