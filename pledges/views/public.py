"""Pledge views: public."""

urlpatterns: list = []
