"""A representative's home for bench-learning: the recommendations of every authority they represent."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import selectors


@login_required
def my_recommendations(request):
    return render(
        request,
        "learning/my_recommendations.html",
        {"authorities": selectors.represented_authorities(user=request.user)},
    )
