import pytest

from benchmarks.factories import DashboardPageFactory
from portal.demo import ensure_home_page
from search import registry


@pytest.fixture
def home(db):
    return ensure_home_page()


@pytest.fixture
def dashboard(home):
    return DashboardPageFactory(parent=home, slug="dashboard", title="Benchmark dashboard")


@pytest.fixture
def restore_registry():
    """Tests may register extra result types; the registry is put back afterwards."""
    saved = dict(registry._registry)
    yield registry
    registry._registry.clear()
    registry._registry.update(saved)


@pytest.fixture
def library(home):
    from practices.factories import PracticeIndexPageFactory

    return PracticeIndexPageFactory(parent=home, slug="practices")
