from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    label = "portal_search"
    verbose_name = _("Search")

    def ready(self):
        from django.conf import settings

        from . import adapters, elastic, selectors

        adapters.register_all()
        if getattr(settings, "ELASTICSEARCH_URL", ""):
            # The facets are Elasticsearch aggregations: their values must be indexed as keyword fields.
            for rt in selectors.indexed_types():
                elastic.ensure_facet_fields(rt.model, [facet.lookup for facet in rt.facets.values()])
