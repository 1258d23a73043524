"""WebSocket routes of every app, mirroring urls.py. Apps add their consumers' routes here."""

websocket_urlpatterns: list = []
