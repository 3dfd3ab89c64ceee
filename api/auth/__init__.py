"""Who calls the API: a service token or an OIDC client's bearer token (JWT)."""
