from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.my_registrations, name="my_registrations"),
    path("calendar-feed/renew/", views.renew_feed, name="renew_feed"),
    path("confirm/<str:token>/", views.registration_confirm, name="registration_confirm"),
    path("<str:secret>/", views.registration_detail, name="registration_detail"),
    path("<str:secret>/event.ics", views.registration_ics, name="registration_ics"),
    path("<str:secret>/cancel/", views.registration_cancel, name="registration_cancel"),
]
