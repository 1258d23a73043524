from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from benchmarks import dashboard_views as benchmark_data
from benchmarks.api import api as benchmark_api
from benchmarks.api_reference import api_reference
from portal.accounts.urls import account_urlpatterns
from search import views as search_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/docs/", api_reference, name="api_reference"),
    path("api/v1/", benchmark_api.urls),
    path("anymail/", include("anymail.urls")),  # ESP tracking webhooks (bounces, complaints)
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Translatable URLs: English, the default language, carries no prefix.
urlpatterns += i18n_patterns(
    path("accounts/", include(account_urlpatterns)),
    path("accounts/", include("django.contrib.auth.urls")),
    path("members/", include("portal.accounts.urls")),
    path("notifications/", include("portal.notifications.urls")),
    path("benchmark/", include("benchmarks.urls")),
    path("embed/", include("benchmarks.embed_urls")),
    path(
        "open-data/<slug:framework>/<str:revision>/<str:dataset>.<str:fmt>",
        benchmark_data.download,
        name="open_data_download",
    ),
    path("learning/", include("learning.recommendation_urls")),
    path("search/", search_views.search, name="search"),
    path("search/suggest/", search_views.autocomplete, name="search_autocomplete"),
    path("registrations/", include("events.urls")),
    path("newsletter/", include("portal.newsletter.urls")),
    path("discussions/", include("learning.discussion_urls")),
    path("bench-learning/", include("learning.match_urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
