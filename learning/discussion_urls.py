"""Discussions under /discussions/ (see portal/urls.py)."""

from django.urls import path

from . import discussion_views as views

app_name = "discussions"

urlpatterns = [
    path("", views.room_list, name="rooms"),
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/reports/<int:report_id>/dismiss/", views.report_dismiss, name="report_dismiss"),
    path("moderation/mutes/<int:mute_id>/lift/", views.mute_lift, name="mute_lift"),
    path("page/<int:page_id>/", views.page_thread, name="page_thread"),
    path("messages/<int:message_id>/edit/", views.message_edit, name="message_edit"),
    path("messages/<int:message_id>/delete/", views.message_delete, name="message_delete"),
    path("messages/<int:message_id>/report/", views.message_report, name="message_report"),
    path("messages/<int:message_id>/moderate/", views.message_moderate, name="message_moderate"),
    path(
        "<slug:slug>/participants/<int:user_id>/remove/", views.participant_remove, name="participant_remove"
    ),
    path("<slug:slug>/", views.room, name="room"),
]
