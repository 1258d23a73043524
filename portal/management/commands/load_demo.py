"""Load the demo community: site tree, navigation, one login per role and each app's demo content.

Deterministic for a given --seed and idempotent: a second run keeps existing data and adds nothing twice.
"""

import random

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

import benchmarks.demo
import events.demo
import learning.demo
import learning.discussion_demo
import practices.demo
from portal import community_demo, demo
from portal.newsletter import demo as newsletter_demo


class Command(BaseCommand):
    help = "Load the UserCentriCities demo community (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2023, help="Random seed for generated demo data.")

    def step(self, message: str) -> None:
        self.stdout.write(f"- {message}")

    def handle(self, *args, seed: int, **options):
        rng = random.Random(seed)
        with transaction.atomic(), demo.index_updates_deferred():
            self.step("home page")
            home = demo.ensure_home_page()
            self.step("logins, one per role")
            logins = demo.ensure_demo_users(rng=rng)
            self.step("portal pages")
            portal_pages = demo.build_site_pages(home=home)
            self.step("benchmarks: the 26 founding authorities and the dashboard")
            authorities = benchmarks.demo.load_authorities(rng=rng)
            dashboard = benchmarks.demo.load_pages(home=home, rng=rng)
            benchmarks.demo.load_submissions(rng=rng, stdout=self.stdout)
            self.step(f"  {len(authorities)} authorities")
            self.step("practices, policy briefs, toolkit, events")
            practice_index = practices.demo.load_pages(home=home, rng=rng)
            practices.demo.load(library=practice_index, rng=rng)
            learning_pages = learning.demo.load_pages(home=home, rng=rng)
            event_index = events.demo.load_pages(home=home, rng=rng)
            self.step("newsletter: 200 subscribers, one sent issue and a draft")
            newsletter_demo.load_demo(home=home, rng=rng)
            self.step("discussions and bench-learning")
            learning.discussion_demo.load_discussions(rng=rng, stdout=self.stdout)
            self.step("navigation and footer")
            demo.set_navigation(
                main=[
                    ("Dashboard", dashboard),
                    ("Good practices", practice_index),
                    ("Policy briefs", learning_pages["briefs"]),
                    ("Toolkit", learning_pages["toolkit"]),
                    ("Events", event_index),
                    ("Community", portal_pages["community"]),
                ],
                footer=[
                    ("About", portal_pages["about"]),
                    ("Accessibility statement", portal_pages["accessibility"]),
                    ("Privacy notice", portal_pages["privacy"]),
                ],
            )
            self.step("home page ways in")
            demo.set_home_body(
                home=home,
                sections=[
                    (
                        "Benchmark dashboard",
                        "See how 26 cities and regions score, sub-pillar by sub-pillar.",
                        dashboard,
                    ),
                    ("Good practices", "Learn how others solved the problem you have.", practice_index),
                    (
                        "Policy briefs",
                        "What the benchmark shows, and what to do about it.",
                        learning_pages["briefs"],
                    ),
                    (
                        "Toolkit",
                        "Methods, guides and templates for user-centric services.",
                        learning_pages["toolkit"],
                    ),
                    ("Events", "UserCentriCafés, workshops and the annual summit.", event_index),
                    (
                        "Community",
                        "Join the people who make local services user-centric.",
                        portal_pages["community"],
                    ),
                ],
            )
            self.step("community: members with every role, follows and notifications")
            members = community_demo.load_community(rng=random.Random(seed))
            self.step(f"  {len(members)} members")
        self.step("search and reference indexes")
        call_command("update_index", verbosity=0)
        call_command("rebuild_references_index", verbosity=0)
        self.stdout.write(self.style.SUCCESS("Demo community loaded."))
        self.stdout.write(f"Demo logins (password for all: {demo.DEMO_PASSWORD}), admin at /admin/:")
        for login in logins:
            self.stdout.write(f"  {login.role:<36} {login.email}")
