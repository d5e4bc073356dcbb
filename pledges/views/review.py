"""Pledge views: review."""

urlpatterns: list = []
