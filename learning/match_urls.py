"""Bench-learning matchmaking under /bench-learning/ (see portal/urls.py)."""

from django.urls import path

from . import match_views as views

app_name = "matches"

urlpatterns = [
    path("", views.match_list, name="list"),
    path("request/", views.match_request, name="request"),
    path("<int:match_id>/", views.match_detail, name="detail"),
    path("<int:match_id>/invite/", views.match_invite, name="invite"),
    path("<int:match_id>/close/", views.match_close, name="close"),
    path("<int:match_id>/practice-case/", views.match_practice_case, name="practice_case"),
    path("invitations/<int:invitation_id>/answer/", views.invitation_respond, name="respond"),
]
