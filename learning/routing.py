"""WebSocket routes of the learning app (included by portal/routing.py)."""

from django.urls import path

from . import consumers

websocket_urlpatterns = [
    path("ws/discussions/<slug:slug>/", consumers.RoomConsumer.as_asgi()),
    path("ws/notifications/", consumers.NotificationConsumer.as_asgi()),
]
