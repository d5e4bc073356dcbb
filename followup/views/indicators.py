"""Follow-up views: indicators."""

urlpatterns: list = []
