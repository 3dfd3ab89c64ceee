"""The token pages (administrators)."""
