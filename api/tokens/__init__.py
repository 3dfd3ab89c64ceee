"""Service tokens: made and revoked by administrators, used by other systems."""
