"""Embeddable widgets (the only pages other sites may frame): /embed/compare/, /embed/ranking/,
/embed/profile/<slug>/."""

from django.urls import path

from . import embed_views

app_name = "embed"

urlpatterns = [
    path("compare/", embed_views.compare, name="compare"),
    path("ranking/", embed_views.ranking, name="ranking"),
    path("profile/<slug:slug>/", embed_views.profile, name="profile"),
]
