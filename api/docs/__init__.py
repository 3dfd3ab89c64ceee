"""The API's description: the OpenAPI 3 document and browsable documentation (Swagger UI
from the ``flask-swagger-ui`` package, served by the application itself: no CDN)."""
