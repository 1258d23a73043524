from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read/", views.notifications_read, name="read"),
    path("follow/", views.follow, name="follow"),
    path("follows/", views.follows, name="follows"),
    path("follows/add/", views.follow_choice, name="follow_choice"),
]
