"""Edits made in the admin to authorities or framework texts change what cached dashboard fragments show."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Authority, Indicator, Pillar, SubPillar
from .selectors import bump_cache_generation


@receiver([post_save, post_delete], sender=Authority)
@receiver([post_save, post_delete], sender=Pillar)
@receiver([post_save, post_delete], sender=SubPillar)
@receiver([post_save, post_delete], sender=Indicator)
def invalidate_benchmark_fragments(sender, **kwargs):
    bump_cache_generation()
