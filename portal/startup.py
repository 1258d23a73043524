"""What a server process does once Django is set up, before its first request (portal/asgi.py, wsgi.py).

- Load the URL configuration, and through it every view module, now rather than in the first request.
- Freeze what exists by then (`gc.freeze()`): Django, Wagtail, the URL patterns, templates' modules. The
  garbage collector's full (generation 2) collections then walk only the objects created since. Without
  it, about one request in ten on a busy page (the practice library, the search) paid a full collection
  over some 280,000 start-up objects: 130 ms added to a 150 ms response (measured with
  scripts/bench/benchmark_practices.py; the WebSocket deliveries of a busy room pay it too). With it the
  same collections take 2 to 6 ms. Nothing of this is ever garbage: it lives as long as the process.
"""

import gc


def prepare_process() -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports the URL configuration and every view module)
    gc.collect()  # what start-up left behind is freed, not frozen
    gc.freeze()
