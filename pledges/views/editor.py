"""Pledge views: editor."""

urlpatterns: list = []
