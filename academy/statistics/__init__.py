"""Statistical helpers shared by every layer (exact linear algebra for disclosure checks)."""
