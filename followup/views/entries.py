"""Follow-up views: entries."""

urlpatterns: list = []
