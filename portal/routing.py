"""WebSocket routes of every app, mirroring urls.py. Apps add their consumers' routes here."""

from learning.routing import websocket_urlpatterns as learning_websockets

websocket_urlpatterns: list = [*learning_websockets]
