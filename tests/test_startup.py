"""The servers' entry points prepare each process: the URL configuration loaded and the start-up objects
frozen out of the garbage collector's full collections (portal/startup.py)."""

import gc
import importlib
import sys

import pytest

from portal import startup


def test_both_entry_points_prepare_the_process(monkeypatch):
    calls = []
    monkeypatch.setattr(startup, "prepare_process", lambda: calls.append(True))
    for module in ("portal.asgi", "portal.wsgi"):
        monkeypatch.delitem(sys.modules, module, raising=False)
        importlib.import_module(module)
    assert calls == [True, True]


@pytest.fixture
def unfrozen():
    yield
    gc.unfreeze()


def test_prepare_process_freezes_what_start_up_made(unfrozen):
    from django.urls import clear_url_caches, get_resolver

    gc.unfreeze()
    clear_url_caches()  # a resolver that has not loaded the URL configuration yet
    assert gc.get_freeze_count() == 0 and "url_patterns" not in vars(get_resolver())
    startup.prepare_process()
    assert "url_patterns" in vars(get_resolver())  # loaded, with every view module it names
    assert gc.get_freeze_count() > 10_000  # Django and Wagtail's modules, classes and functions
