"""Bench-learning recommendations for representatives, under /learning/ (see portal/urls.py)."""

from django.urls import path

from . import recommendation_views

app_name = "learning"

urlpatterns = [
    path("my-recommendations/", recommendation_views.my_recommendations, name="my_recommendations"),
]
