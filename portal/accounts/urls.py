"""Membership pages under /members/ (see portal/urls.py for sign-up under /accounts/)."""

from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("me/", views.me, name="me"),
    path("me/edit/", views.profile_edit, name="profile_edit"),
    path("me/data.json", views.data_export, name="data_export"),
    path("me/delete/", views.delete_account, name="delete_account"),
    path("join-with-authority/", views.authority_request, name="authority_request"),
    path("manage/", views.manage, name="manage"),
    path("manage/requests/<int:pk>/", views.manage_request, name="manage_request"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/photo/", views.member_photo, name="photo"),
    path("<int:pk>/verify/", views.manage_verify, name="verify"),
    path("<int:pk>/representative/", views.manage_appoint, name="appoint"),
    path(
        "<int:pk>/representative/<int:authority_pk>/remove/",
        views.manage_remove_representative,
        name="remove_representative",
    ),
]

# Under /accounts/, beside django.contrib.auth.urls (these come first, so they win for login and reset).
account_urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("signup/", views.signup, name="signup"),
    path("signup/done/", views.signup_done, name="signup_done"),
    path("confirm/resend/", views.resend_confirmation, name="resend_confirmation"),
    path("confirm/<str:token>/", views.signup_confirm, name="signup_confirm"),
]
