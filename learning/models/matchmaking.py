"""Matchmaking models of the learning app."""

__all__: list[str] = []
