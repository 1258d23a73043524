"""The benchmark questionnaire and its review, under /benchmark/ (see portal/urls.py)."""

from django.urls import path

from . import views

app_name = "benchmarks"

urlpatterns = [
    path("questionnaire/", views.questionnaire_list, name="questionnaire_list"),
    path(
        "questionnaire/<slug:authority_slug>/<str:revision>/",
        views.questionnaire,
        name="questionnaire",
    ),
    path("review/", views.review_list, name="review_list"),
    path("review/<int:submission_id>/", views.review, name="review"),
]
